package dev.strata.registry;

import dev.strata.ErrorCode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.StrataException;
import dev.strata.Tenant;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The library itself refuses slugs that would be read as tenant ids and display names that can
 * disguise text, so every way in (library, REST API, CLI, archive import) refuses them; nothing
 * is written.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SlugAndDisplayNameRulesTest {
    private Strata strata;
    private Tenant home;

    @BeforeAll
    void start() {
        strata = TestStrata.start();
        home = strata.tenants().create(NewTenant.t1("rules-home"));
    }

    @AfterAll
    void stop() {
        TestStrata.stopAndDrop(strata);
    }

    @Test
    void a_slug_shaped_like_a_uuid_is_refused_so_it_can_never_shadow_a_tenant_id() {
        String shadow = home.id().toString();
        assertThat(Character.isLetter(shadow.charAt(0)) ? shadow : "a" + shadow.substring(1)).isNotNull();
        for (String slug : List.of("abcdef01-2345-6789-abcd-ef0123456789", "deadbeef-dead-beef-dead-beefdeadbeef",
                letterFirst(UUID.randomUUID()), letterFirst(home.id()))) {
            assertRefused(NewTenant.t1(slug), ErrorCode.INVALID_SLUG, "UUID");
            assertRefused(NewTenant.t2(slug, "rules-home"), ErrorCode.INVALID_SLUG, "UUID");
        }
        assertThat(strata.tenants().get(home.id().toString()).slug()).isEqualTo("rules-home");
    }

    @Test
    void slugs_near_the_uuid_shape_are_still_fine() {
        Tenant t = strata.tenants().create(NewTenant.t2("abcdef01-2345-6789-abcd-ef012345678", "rules-home"));
        assertThat(strata.tenants().get("abcdef01-2345-6789-abcd-ef012345678").id()).isEqualTo(t.id());
    }

    @ParameterizedTest(name = "U+{0}")
    @ValueSource(strings = {"202E", "202D", "202A", "202B", "202C", "2066", "2067", "2068", "2069", "200E", "200F",
            "061C", "200B", "200C", "200D", "2060", "FEFF", "00AD", "0000", "0007", "0009", "000A", "000D", "001B",
            "007F", "0085", "009B", "2028", "2029", "D800", "DC00", "E000", "F8FF", "0378", "E0001"})
    void a_display_name_with_an_invisible_or_control_character_is_refused(String hex) {
        int cp = Integer.parseInt(hex, 16);
        String name = "Acme " + new String(Character.toChars(cp)) + "Corp";
        assertRefused(NewTenant.t2("rules-kid", "rules-home").withDisplayName(name), ErrorCode.INVALID_ARGUMENT,
                String.format("U+%04X", cp));
    }

    @Test
    void a_display_name_longer_than_200_characters_is_refused_and_one_of_200_is_fine() {
        assertRefused(NewTenant.t2("rules-long", "rules-home").withDisplayName("x".repeat(201)), ErrorCode.INVALID_ARGUMENT,
                "at most 200");
        String emoji = new String(Character.toChars(0x1F600));
        Tenant ok = strata.tenants().create(NewTenant.t2("rules-emoji", "rules-home").withDisplayName(emoji.repeat(200)));
        assertThat(ok.displayName()).isEqualTo(emoji.repeat(200));
        Tenant accents = strata.tenants().create(NewTenant.t2("rules-accents", "rules-home")
                .withDisplayName("  Société Générale – Zürich 東京  "));
        assertThat(accents.displayName()).isEqualTo("Société Générale – Zürich 東京");
    }

    private void assertRefused(NewTenant request, ErrorCode code, String messagePart) {
        List<String> before = strata.tenants().list().stream().map(Tenant::slug).toList();
        assertThatThrownBy(() -> strata.tenants().create(request)).isInstanceOfSatisfying(StrataException.class, e -> {
            assertThat(e.code()).as(e.getMessage()).isEqualTo(code);
            assertThat(e.getMessage()).contains(messagePart);
        });
        assertThat(strata.tenants().list().stream().map(Tenant::slug).toList()).isEqualTo(before);
    }

    private static String letterFirst(UUID id) {
        String text = id.toString();
        return Character.isLetter(text.charAt(0)) ? text : "f" + text.substring(1);
    }
}
