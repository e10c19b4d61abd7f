package io.reflex.trainer.cache.policy;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PolicyCatalogTest {

    @Test
    void everyPolicyIsDescribedInOneSentence() {
        for (String name : PolicyCatalog.names()) {
            String sentence = PolicyCatalog.describe(name);
            assertTrue(sentence.endsWith(".") && sentence.indexOf(". ") < 0 && sentence.length() < 240, name + ": " + sentence);
        }
    }

    @Test
    void describingAnUnknownPolicyNamesIt() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PolicyCatalog.describe("mru"));
        assertTrue(e.getMessage().contains("'mru'"), e.getMessage());
    }
}
