package io.auditshipper.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one redaction of everything the shipper prints (log lines, the start-up banner, {@code --check}, errors,
 * health details): every secret value the config resolved is masked, and so are the parts of any URL in the text
 * that carry credentials whether or not they came from a secret: its user info and its query values.
 */
public final class SecretRedactor {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final int SHORTEST_REDACTED = 4;
    private static final String MASK = "****";
    /** A URL in free text: scheme://authority, then whatever follows up to a space, quote or closing bracket. */
    private static final Pattern URL = Pattern.compile("\\b([a-zA-Z][a-zA-Z0-9+.-]*://)([^\\s/?#\"'<>\\[\\]]*)([^\\s\"'<>\\]]*)");
    private static final Pattern QUERY_VALUE = Pattern.compile("([?&;][^=&;#]*=)[^&;#]*");

    private SecretRedactor() {
    }

    static void register(String secret) {
        if (secret != null && secret.length() >= SHORTEST_REDACTED) {
            SECRETS.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null) {
            return null;
        }
        String out = text.indexOf("://") < 0 ? text : redactUrls(text);
        for (String secret : SECRETS) {
            out = out.replace(secret, MASK);
        }
        return out;
    }

    private static String redactUrls(String text) {
        Matcher url = URL.matcher(text);
        StringBuilder out = new StringBuilder(text.length());
        while (url.find()) {
            String authority = url.group(2);
            int at = authority.lastIndexOf('@');
            if (at >= 0) {
                int colon = authority.indexOf(':');
                authority = (colon >= 0 && colon < at ? authority.substring(0, colon + 1) : "") + MASK + authority.substring(at);
            }
            String rest = QUERY_VALUE.matcher(url.group(3)).replaceAll("$1" + MASK);
            url.appendReplacement(out, Matcher.quoteReplacement(url.group(1) + authority + rest));
        }
        url.appendTail(out);
        return out.toString();
    }
}
