package io.auditshipper.verify;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class IdTallyTest {

    @Test
    void countsFoundMissingDuplicatedAndExtraIds() {
        IdTally tally = new IdTally();
        for (String id : new String[]{"c", "a", "b", "d"}) {
            tally.expect(id);
        }
        tally.seal();

        assertThat(tally.count("a", true)).isTrue();
        assertThat(tally.count("b", true)).isTrue();
        assertThat(tally.count("b", true)).isTrue();
        assertThat(tally.count("stranger", true)).isFalse();
        assertThat(tally.count("outsider", false)).isFalse();

        assertThat(tally.expected()).isEqualTo(4);
        assertThat(tally.found()).isEqualTo(2);
        assertThat(tally.missing()).isEqualTo(2);
        assertThat(tally.duplicated()).isEqualTo(1);
        assertThat(tally.held("a")).isEqualTo(1);
        assertThat(tally.held("b")).isEqualTo(2);
        assertThat(tally.held("c")).isZero();
        // Only a stranger dated inside the range is extra: one outside it is simply another range's log.
        assertThat(tally.extra()).isEqualTo(1);
        assertThat(tally.extraIds()).containsExactly("stranger");
    }

    @Test
    void aCountStopsAtItsCeilingInsteadOfWrappingToZero() {
        IdTally tally = new IdTally();
        tally.expect("often");
        tally.seal();
        for (int i = 0; i < 300; i++) {
            tally.count("often", true);
        }
        assertThat(tally.held("often")).isEqualTo(Byte.MAX_VALUE);
        assertThat(tally.missing()).isZero();
    }

    @Test
    void keepsTheFirstTenExtraIdsAndCountsTheRest() {
        IdTally tally = new IdTally();
        tally.seal();
        for (int i = 0; i < 25; i++) {
            tally.count("x" + i, true);
        }
        assertThat(tally.extra()).isEqualTo(25);
        assertThat(tally.extraIds()).hasSize(IdTally.LISTED).startsWith("x0").endsWith("x9");
    }

    @Test
    void aMillionIdsGrowTheArrayAndHashApart() {
        // Kestra's ids are 22 base62 characters; these differ in one or two characters only, the hard case for a
        // hash. Distinct hashes here are what the 64-bit argument of IdTally's comment expects (≈3e-8 to collide).
        IdTally tally = new IdTally();
        Set<Long> hashes = new HashSet<>();
        for (int i = 0; i < 1_000_000; i++) {
            String id = String.format("4sUsg2bJ0cGdbFOo%06d", i);
            tally.expect(id);
            hashes.add(IdTally.hash(id));
        }
        tally.seal();
        assertThat(hashes).hasSize(1_000_000);
        for (int i = 0; i < 1_000_000; i += 2) {
            tally.count(String.format("4sUsg2bJ0cGdbFOo%06d", i), true);
        }
        assertThat(tally.expected()).isEqualTo(1_000_000);
        assertThat(tally.found()).isEqualTo(500_000);
        assertThat(tally.missing()).isEqualTo(500_000);
        assertThat(tally.extra()).isZero();
    }
}
