package io.auditshipper.exporter.syslog;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One line rsyslog received, read back as a consumer would: the RFC 5424 header, then a CEF message whose header
 * fields and extension values are unescaped by CEF's rules (a reader written from the spec, not from the encoder).
 */
public record CefLine(int pri, String timestamp, String hostname, String appName, String msgId, List<String> header,
               Map<String, String> extension) {

    public static CefLine parse(String line) {
        assertThat(line).startsWith("<");
        int close = line.indexOf('>');
        int pri = Integer.parseInt(line.substring(1, close));
        String[] parts = line.substring(close + 1).split(" ", 8);
        assertThat(parts[0]).as("RFC 5424 VERSION").isEqualTo("1");
        assertThat(parts[6]).as("no structured data").isEqualTo("-");
        String msg = parts[7];
        assertThat(msg).startsWith("CEF:");
        List<String> header = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        int i = "CEF:".length();
        while (header.size() < 7) {
            char c = msg.charAt(i++);
            if (c == '\\') {
                char next = msg.charAt(i++);
                assertThat(next).as("only \\| and \\\\ are escapes in a CEF header").isIn('|', '\\');
                field.append(next);
            } else if (c == '|') {
                header.add(field.toString());
                field.setLength(0);
            } else {
                assertThat(c).as("no line break in a CEF header").isNotIn('\n', '\r');
                field.append(c);
            }
        }
        return new CefLine(pri, parts[1], parts[2], parts[3], parts[5], header, extension(msg.substring(i)));
    }

    /** key=value pairs: a key is a run of letters, digits or _ before an unescaped =, after a space or at the start. */
    private static Map<String, String> extension(String text) {
        Map<String, String> pairs = new LinkedHashMap<>();
        String key = null;
        StringBuilder value = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int keyEnd = i == 0 || text.charAt(i - 1) == ' ' ? keyAt(text, i) : -1;
            if (keyEnd > 0) {
                if (key != null) {
                    assertThat(value.charAt(value.length() - 1)).isEqualTo(' ');
                    value.setLength(value.length() - 1);
                    assertThat(pairs.put(key, value.toString())).as("key " + key + " once").isNull();
                }
                key = text.substring(i, keyEnd);
                value.setLength(0);
                i = keyEnd + 1;
                continue;
            }
            char c = text.charAt(i++);
            if (c == '\\') {
                char next = text.charAt(i++);
                switch (next) {
                    case '\\' -> value.append('\\');
                    case '=' -> value.append('=');
                    case 'n' -> value.append('\n');
                    case 'r' -> value.append('\r');
                    default -> throw new AssertionError("not a CEF extension escape: \\" + next + " in " + text);
                }
            } else {
                assertThat(c).as("an unescaped = only after a key").isNotEqualTo('=');
                value.append(c);
            }
        }
        if (key != null) {
            pairs.put(key, value.toString());
        }
        return pairs;
    }

    private static int keyAt(String text, int from) {
        int i = from;
        while (i < text.length() && (Character.isLetterOrDigit(text.charAt(i)) && text.charAt(i) < 128 || text.charAt(i) == '_')) {
            i++;
        }
        return i > from && i < text.length() && text.charAt(i) == '=' ? i : -1;
    }
}
