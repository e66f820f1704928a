package io.auditshipper.model;

import java.util.Comparator;

/**
 * The order a source reads logs in: by timestamp, then by id as that source compares strings. Offsets must be
 * compared in exactly this order (batch cuts, which exporters still need a batch, the never-backwards commit):
 * were the shipper to place an id on the other side of an offset than the source does, the log would be taken
 * as already shipped and skipped. The orders differ only for ids mixing characters above U+FFFF with
 * U+E000..U+FFFF.
 */
public enum OffsetOrder implements Comparator<Offset> {

    /**
     * Unicode code point order, which is UTF-8 byte order: PostgreSQL's {@code COLLATE "C"} on a UTF-8 database,
     * and the Kestra API source, which sorts the logs of each date itself.
     */
    CODE_POINT {
        @Override
        int compareIds(String a, String b) {
            int common = Math.min(a.length(), b.length());
            for (int i = 0; i < common; i++) {
                char x = a.charAt(i);
                char y = b.charAt(i);
                if (x != y) {
                    return codePointRank(x) - codePointRank(y);
                }
            }
            return a.length() - b.length();
        }
    },

    /** UTF-16 code unit order ({@link String#compareTo}): H2, which compares strings as Java does. */
    UTF16 {
        @Override
        int compareIds(String a, String b) {
            return a.compareTo(b);
        }
    };

    abstract int compareIds(String a, String b);

    /**
     * Where a UTF-16 unit ranks in code point order: surrogates (D800..DFFF, which encode the code points above
     * U+FFFF) move after E000..FFFF, the rest keep their order.
     */
    private static int codePointRank(char c) {
        if (c >= 0xE000) {
            return c - 0x800;
        }
        return c >= 0xD800 ? c + 0x2000 : c;
    }

    @Override
    public int compare(Offset a, Offset b) {
        int byTime = a.timestamp().compareTo(b.timestamp());
        return byTime != 0 ? byTime : compareIds(a.id(), b.id());
    }

    public boolean isBefore(Offset a, Offset b) {
        return compare(a, b) < 0;
    }

    public Offset min(Offset a, Offset b) {
        return compare(a, b) <= 0 ? a : b;
    }
}
