package dev.strata.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.Http;
import dev.strata.server.testing.Http.Answer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.strata.server.api.RestApiTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every list endpoint pages with {@code ?limit=&cursor=}: pages in a stable order that together
 * are the whole list, each item once; {@code next_cursor} null on the last page; a bad limit or
 * cursor is 400 INVALID_ARGUMENT naming it.
 */
class PaginationApiTest {
    private static final List<String> SHOPS = List.of("page-e", "page-a", "page-d", "page-b", "page-c");

    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard();

    static Http http;

    @BeforeAll
    static void tenants() {
        http = api.http();
        assertThat(http.post("/v1/tenants", "{\"tier\": 1, \"slug\": \"page-partner\"}").status()).isEqualTo(201);
        for (String slug : SHOPS) {
            assertThat(http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"" + slug + "\", \"parent\": \"page-partner\", "
                    + "\"mode\": \"rls\"}").status()).isEqualTo(201);
        }
        for (int i = 0; i < 2; i++) {
            assertThat(http.post("/v1/tenants/page-a/suspend", null).status()).isEqualTo(200);
            assertThat(http.post("/v1/tenants/page-a/resume", null).status()).isEqualTo(200);
        }
    }

    /** Follows next_cursor from {@code first} to the last page; returns every item of {@code field}. */
    static List<JsonNode> allPages(String first, String field, int pageSize) {
        return allPages(first, null, field, pageSize);
    }

    /** {@link #allPages(String, String, int)} from the page of {@code cursor} on. */
    static List<JsonNode> allPages(String first, String cursor, String field, int pageSize) {
        List<JsonNode> items = new ArrayList<>();
        String path = cursor == null ? first : first + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8);
        int pages = 0;
        while (true) {
            Answer answer = http.get(path);
            assertThat(answer.status()).as(answer.toString()).isEqualTo(200);
            JsonNode body = answer.json();
            assertThat(body.has("next_cursor")).as("every page says whether there is a next one").isTrue();
            assertThat(body.get(field).size()).isLessThanOrEqualTo(pageSize);
            body.get(field).forEach(items::add);
            pages++;
            assertThat(pages).as("pages end").isLessThan(100);
            if (body.get("next_cursor").isNull()) {
                return items;
            }
            assertThat(body.get(field).size()).as("a page before the last is full").isEqualTo(pageSize);
            String next = URLEncoder.encode(body.get("next_cursor").asText(), StandardCharsets.UTF_8);
            path = first + (first.contains("?") ? "&" : "?") + "cursor=" + next;
        }
    }

    static List<String> texts(List<JsonNode> items, String field) {
        return items.stream().map(i -> i.get(field).asText()).toList();
    }

    @Test
    void tenants_page_by_page_are_the_whole_list_each_once_in_slug_order() {
        List<JsonNode> paged = allPages("/v1/tenants?parent=page-partner&limit=2", "tenants", 2);
        assertThat(texts(paged, "slug")).containsExactly("page-a", "page-b", "page-c", "page-d", "page-e");
        List<String> all = texts(allPages("/v1/tenants?limit=3", "tenants", 3), "id");
        assertThat(all).doesNotHaveDuplicates();
        JsonNode unpaged = http.get("/v1/tenants?limit=1000").json();
        assertThat(all).containsExactlyElementsOf(texts(listOf(unpaged.get("tenants")), "id"));
        assertThat(unpaged.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void a_tenant_created_between_pages_neither_repeats_nor_hides_the_others() {
        JsonNode first = http.get("/v1/tenants?parent=page-partner&limit=2").json();
        assertThat(texts(listOf(first.get("tenants")), "slug")).containsExactly("page-a", "page-b");
        assertThat(http.post("/v1/tenants", "{\"tier\": 2, \"slug\": \"page-aa\", \"parent\": \"page-partner\", "
                + "\"mode\": \"rls\"}").status()).isEqualTo(201);
        List<JsonNode> rest = allPages("/v1/tenants?parent=page-partner&limit=2", first.get("next_cursor").asText(), "tenants", 2);
        assertThat(texts(rest, "slug")).containsExactly("page-c", "page-d", "page-e");
        assertThat(http.post("/v1/tenants/page-aa/decommission", "{\"confirm\": true}").status()).isEqualTo(200);
    }

    @Test
    void history_pages_oldest_first() {
        List<JsonNode> paged = allPages("/v1/tenants/page-a/history?limit=2", "events", 2);
        JsonNode whole = http.get("/v1/tenants/page-a/history").json();
        assertThat(paged).hasSizeGreaterThanOrEqualTo(5);
        assertThat(texts(paged, "id")).containsExactlyElementsOf(texts(listOf(whole.get("events")), "id"));
        assertThat(paged.stream().mapToLong(e -> e.get("id").asLong()).toArray()).isSorted();
        assertThat(whole.get("next_cursor").isNull()).isTrue();
    }

    @Test
    void operations_page_newest_first_through_every_one() {
        List<JsonNode> paged = allPages("/v1/operations?limit=2", "operations", 2);
        JsonNode whole = http.get("/v1/operations?limit=1000").json();
        assertThat(paged.size()).isGreaterThanOrEqualTo(SHOPS.size() + 1);
        assertThat(texts(paged, "id")).doesNotHaveDuplicates()
                .containsExactlyElementsOf(texts(listOf(whole.get("operations")), "id"));
        List<JsonNode> filtered = allPages("/v1/operations?kind=provision&tenant=page-c&limit=1", "operations", 1);
        assertThat(filtered).hasSize(1);
    }

    @Test
    void migration_targets_page_by_target_name() {
        List<JsonNode> paged = allPages("/v1/migrations?limit=1", "targets", 1);
        JsonNode whole = http.get("/v1/migrations").json();
        assertThat(texts(paged, "target")).containsExactlyElementsOf(texts(listOf(whole.get("targets")), "target"));
        assertThat(texts(paged, "target")).isSorted();
    }

    @Test
    void keys_page_newest_first_through_every_one() {
        for (String name : List.of("page-key-1", "page-key-2", "page-key-3")) {
            assertThat(http.post("/v1/keys", "{\"tenant\": \"page-a\", \"name\": \"" + name + "\"}").status()).isEqualTo(201);
        }
        List<JsonNode> paged = allPages("/v1/keys?limit=2", "keys", 2);
        JsonNode whole = http.get("/v1/keys?limit=1000").json();
        assertThat(texts(paged, "id")).containsExactlyElementsOf(texts(listOf(whole.get("keys")), "id"))
                .doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(4); // the admin key and the three
        assertThat(texts(paged, "created_at").stream().map(java.time.Instant::parse).toList())
                .isSortedAccordingTo(java.util.Comparator.reverseOrder());
        List<JsonNode> ofOne = allPages("/v1/keys?tenant=page-a&limit=1", "keys", 1);
        assertThat(texts(ofOne, "name")).contains("page-key-1", "page-key-2", "page-key-3");
        assertThat(texts(ofOne, "tenant")).containsOnly("page-a");
    }

    @Test
    void planes_page_by_key() {
        List<JsonNode> paged = allPages("/v1/planes?limit=1", "planes", 1);
        JsonNode whole = http.get("/v1/planes").json();
        assertThat(texts(paged, "key")).containsExactlyElementsOf(texts(listOf(whole.get("planes")), "key")).isSorted()
                .contains("default");
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "1001", "abc", "01", "+5", "1.5", "%20", "99999999999"})
    void a_bad_limit_is_400_naming_limit(String limit) {
        for (String list : List.of("/v1/tenants", "/v1/operations", "/v1/tenants/page-a/history", "/v1/migrations",
                "/v1/keys", "/v1/planes")) {
            Answer answer = http.get(list + "?limit=" + limit);
            assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
            assertThat(answer.json().get("detail").asText()).as(list).contains("'limit'");
        }
        assertProblem(http.get("/v1/tenants?limit="), ErrorCode.INVALID_ARGUMENT);
        assertProblem(http.get("/v1/tenants?limit=1&limit=2"), ErrorCode.INVALID_ARGUMENT);
    }

    @Test
    void a_bad_cursor_is_400_naming_cursor() {
        String tenantsCursor = http.get("/v1/tenants?parent=page-partner&limit=1").json().get("next_cursor").asText();
        String operationsCursor = http.get("/v1/operations?limit=1").json().get("next_cursor").asText();
        List<String> bad = List.of(
                "garbage!",
                "AAAA",
                Base64.getUrlEncoder().encodeToString("c1\ntenants\nffff\n1\tx".getBytes(StandardCharsets.UTF_8)),
                Base64.getUrlEncoder().encodeToString("c1\noperations\n0\n1.2 nope".getBytes(StandardCharsets.UTF_8)),
                "x".repeat(5000),
                tenantsCursor.substring(0, tenantsCursor.length() - 3));
        for (String cursor : bad) {
            for (String list : List.of("/v1/tenants?parent=page-partner&limit=1", "/v1/operations?limit=1")) {
                Answer answer = http.get(list + "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8));
                assertProblem(answer, ErrorCode.INVALID_ARGUMENT);
                assertThat(answer.json().get("detail").asText()).as(cursor).contains("'cursor'");
            }
        }
        Answer otherList = http.get("/v1/tenants?limit=1&cursor=" + URLEncoder.encode(operationsCursor, StandardCharsets.UTF_8));
        assertProblem(otherList, ErrorCode.INVALID_ARGUMENT);
        assertThat(otherList.json().get("detail").asText()).contains("another list");
        Answer otherFilters = http.get("/v1/tenants?tier=2&limit=1&cursor=" + URLEncoder.encode(tenantsCursor, StandardCharsets.UTF_8));
        assertProblem(otherFilters, ErrorCode.INVALID_ARGUMENT);
        assertThat(otherFilters.json().get("detail").asText()).contains("other filters");
        assertProblem(http.get("/v1/tenants?cursor="), ErrorCode.INVALID_ARGUMENT);
        String historyCursor = http.get("/v1/tenants/page-a/history?limit=1").json().get("next_cursor").asText();
        Answer otherTenant = http.get("/v1/tenants/page-b/history?limit=1&cursor=" + URLEncoder.encode(historyCursor, StandardCharsets.UTF_8));
        assertProblem(otherTenant, ErrorCode.INVALID_ARGUMENT);
    }

    private static List<JsonNode> listOf(JsonNode array) {
        List<JsonNode> out = new ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
