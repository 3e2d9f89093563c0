package io.tidepool.pooler.client;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Equal parameter sets of different clients become one instance; the shared set is immutable. */
class CanonicalParametersTest {

    @Test
    void equalSetsShareOneInstanceWhateverTheirOrder() {
        Map<String, String> a = new LinkedHashMap<>();
        a.put("timezone", "UTC");
        a.put("application_name", "canonical-test");
        Map<String, String> b = new LinkedHashMap<>();
        b.put("application_name", "canonical-test");
        b.put("timezone", "UTC");
        Map<String, String> shared = CanonicalParameters.of(a);
        assertThat(CanonicalParameters.of(b)).isSameAs(shared).isEqualTo(a);
        a.put("timezone", "Europe/Paris");
        assertThat(shared).as("a copy, not a view").containsEntry("timezone", "UTC");
        assertThat(CanonicalParameters.of(a)).isNotSameAs(shared);
    }

    @Test
    void sharedSetsCannotBeChanged() {
        Map<String, String> shared = CanonicalParameters.of(Map.of("timezone", "UTC"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> shared.put("timezone", "x"))
                .isInstanceOf(UnsupportedOperationException.class);
    }
}
