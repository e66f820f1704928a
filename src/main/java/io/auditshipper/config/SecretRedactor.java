package io.auditshipper.config;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every secret value the config resolved, so that error messages and log lines can be scrubbed of
 * them before they are printed.
 */
public final class SecretRedactor {

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();
    private static final int SHORTEST_REDACTED = 4;

    private SecretRedactor() {
    }

    static void register(String secret) {
        if (secret != null && secret.length() >= SHORTEST_REDACTED) {
            SECRETS.add(secret);
        }
    }

    public static String redact(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String out = text;
        for (String secret : SECRETS) {
            out = out.replace(secret, "****");
        }
        return out;
    }
}
