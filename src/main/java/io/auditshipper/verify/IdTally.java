package io.auditshipper.verify;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How many times a destination holds each id the source holds in a range, in 9 bytes an id: the ids are kept as a
 * sorted {@code long[]} of their 64-bit hash (8 bytes) with a {@code byte[]} count beside it (1 byte, saturating),
 * so a million ids take 9 MB (up to three times that for a moment while the array grows) where a set of Strings
 * took about 100 MB. A destination's record is counted by a binary search; one whose hash is not there is extra
 * (counted, the first {@link #LISTED} ids kept). The names of the missing and duplicated ids are not kept: a
 * second read of the source asks {@link #held} for each.
 *
 * <p>Two different ids with one hash would count as one. At 64 bits that is not a concern: for n ids the chance
 * that any two share a hash is about n²/2⁶⁵, 3·10⁻⁸ for a million ids and 3·10⁻⁶ for ten million (the hash is
 * FNV-1a over the id's characters, finished with MurmurHash3's 64-bit mixer so every bit of the id reaches every
 * bit of the hash).
 */
public final class IdTally {

    public static final int LISTED = 10;

    private long[] hashes = new long[1024];
    private byte[] counts;
    private int size;
    private boolean sealed;
    private long extra;
    private final List<String> extraIds = new ArrayList<>();

    /** Adds one id of the source; before {@link #seal}. */
    public void expect(String id) {
        if (sealed) {
            throw new IllegalStateException("the tally is sealed");
        }
        if (size == hashes.length) {
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        hashes[size++] = hash(id);
    }

    /** Sorts the source's ids: from now on the destination's records are counted. */
    public void seal() {
        hashes = Arrays.copyOf(hashes, size);
        Arrays.sort(hashes);
        counts = new byte[size];
        sealed = true;
    }

    /** Counts one record the destination holds; false (and counted as extra) when the source has no such id. */
    public boolean count(String id, boolean inRange) {
        int at = Arrays.binarySearch(hashes, hash(id));
        if (at < 0) {
            if (inRange) {
                extra++;
                if (extraIds.size() < LISTED) {
                    extraIds.add(id);
                }
            }
            return false;
        }
        if (counts[at] < Byte.MAX_VALUE) {
            counts[at]++;
        }
        return true;
    }

    /** How many copies of {@code id} the destination holds (at most 127). */
    public int held(String id) {
        int at = Arrays.binarySearch(hashes, hash(id));
        return at < 0 ? 0 : counts[at];
    }

    public long expected() {
        return size;
    }

    public long found() {
        return size - missing();
    }

    public long missing() {
        return countWhere(0, 0);
    }

    public long duplicated() {
        return countWhere(2, Byte.MAX_VALUE);
    }

    public long extra() {
        return extra;
    }

    public List<String> extraIds() {
        return List.copyOf(extraIds);
    }

    private long countWhere(int least, int most) {
        long n = 0;
        for (int i = 0; i < size; i++) {
            if (counts[i] >= least && counts[i] <= most) {
                n++;
            }
        }
        return n;
    }

    /** FNV-1a 64 over the UTF-16 units, then MurmurHash3's fmix64 (see the class comment). */
    static long hash(String id) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            h = (h ^ (c & 0xFF)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb93fe53a87cdL;
        h ^= h >>> 33;
        return h;
    }
}
