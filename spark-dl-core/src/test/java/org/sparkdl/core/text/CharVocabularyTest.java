package org.sparkdl.core.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CharVocabularyTest {
    @Test
    void learnsTheMostFrequentCharactersAndEncodesAnyText() {
        Map<Integer, Long> counts = new HashMap<>();
        CharVocabulary.count("abracadabra", counts);
        CharVocabulary.count("été", counts); // é twice, t once
        CharVocabulary v = CharVocabulary.fromCounts(counts, 5, 2);
        // a(5) b(2) r(2) é(2) kept; c, d, t seen once: below minCount 2
        assertEquals(5, v.size());
        assertArrayEquals(new int[] {'a', 'b', 'r', 'é'}, v.codePoints());
        assertArrayEquals(new int[] {1, 2, 3, 1, 0, 1, 0}, v.encode("abracad"));
        assertEquals("abra\uFFFDa", v.decode(v.encode("abraca")));
        assertEquals("été".replace('t', '\uFFFD'), v.decode(v.encode("été")));
        assertThrows(IllegalArgumentException.class, () -> v.codePoint(5));
    }

    @Test
    void theOrderOfCountingDoesNotMatterAndEmptyTextIsRefused() {
        Map<Integer, Long> a = new HashMap<>();
        CharVocabulary.count("hello world", a);
        Map<Integer, Long> b = new HashMap<>();
        CharVocabulary.count("dlrow olleh", b);
        assertArrayEquals(
                CharVocabulary.fromCounts(a, 100, 1).codePoints(),
                CharVocabulary.fromCounts(b, 100, 1).codePoints());
        var e = assertThrows(IllegalArgumentException.class, () -> CharVocabulary.fromCounts(new HashMap<>(), 10, 1));
        assertTrue(e.getMessage().contains("empty"), e.getMessage());
        assertEquals(3, CharVocabulary.of(new int[] {'z', 'a'}).id('z') + 1);
    }
}
