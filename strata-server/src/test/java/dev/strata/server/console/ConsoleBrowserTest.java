package dev.strata.server.console;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.IsolationMode;
import dev.strata.NewTenant;
import dev.strata.Strata;
import dev.strata.Tenant;
import dev.strata.TenantStatus;
import dev.strata.server.api.ApiKeys;
import dev.strata.server.testing.ApiExtension;
import dev.strata.server.testing.BrowserExtension;
import dev.strata.server.testing.Http;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.Select;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The web console in a real headless Chromium against a running control plane: signing in,
 * the tenant tree, creating, suspending, resuming and moving tenants, the tenant page, the
 * operator pages, and tenant names that look like markup. Screenshots go to
 * {@code target/console-screenshots/}.
 */
class ConsoleBrowserTest {
    static final String MARKUP_NAME = "<img src=x onerror=alert(1)>";
    static final String SCRIPT_NAME = "<script>window.__xss=1</script><b onmouseover=\"window.__xss=2\">bold</b>";

    @RegisterExtension
    static final ApiExtension api = ApiExtension.standard().withSetUp(strata -> {
        strata.tenants().create(NewTenant.t1("tree-partner").withDisplayName("Tree Partner Inc."));
        strata.tenants().create(NewTenant.t2("tree-shop", "tree-partner").withDisplayName("The Shop"));
        strata.tenants().create(NewTenant.t2("tree-vault", "tree-partner").withMode(IsolationMode.SCHEMA));
        strata.tenants().create(NewTenant.t1("other-partner"));
        strata.tenants().create(NewTenant.t2("other-shop", "other-partner"));
    });

    @RegisterExtension
    static final BrowserExtension browser = new BrowserExtension();

    private final Strata strata = api.strata();
    private final Http http = api.http();

    // ---------------------------------------------------------------- signing in

    @Test
    void a_wrong_key_is_refused_with_a_message_and_nothing_is_kept() {
        open();
        browser.visible("#signin-key").sendKeys("strata_not-a-real-key");
        browser.visible("#signin-submit").click();
        WebElement error = browser.withText("#signin-error .notice-error", "refused");
        assertThat(error.getText()).contains("unknown").contains("revoked").contains("UNAUTHORIZED");
        assertThat(storage("sessionStorage")).isEmpty();
        assertThat(storage("localStorage")).isEmpty();
        assertThat(driver().findElements(By.id("tenant-tree"))).isEmpty();
        browser.screenshot("signin-refused");
    }

    @Test
    void signing_in_shows_the_tenant_tree_with_mode_badges_and_where_the_data_lives() {
        signIn(api.adminKey(), false);
        Tenant partner = strata.tenants().get("tree-partner");
        Tenant vault = strata.tenants().get("tree-vault");
        WebElement partnerNode = node("tree-partner");
        assertThat(partnerNode.findElement(By.cssSelector(".badge")).getText()).isEqualTo("database");
        assertThat(partnerNode.findElement(By.cssSelector(".tree-where")).getText()).contains(partner.placement().database());
        assertThat(partnerNode.findElement(By.cssSelector(".tree-name")).getText()).isEqualTo("Tree Partner Inc.");
        // the T2s hang under their T1, which hangs under the operator
        WebElement partnerItem = partnerNode.findElement(By.xpath(".."));
        assertThat(partnerItem.findElements(By.cssSelector(".tree-children [data-slug='tree-shop']"))).hasSize(1);
        assertThat(partnerItem.findElements(By.cssSelector(".tree-children [data-slug='other-shop']"))).isEmpty();
        assertThat(node("operator").findElement(By.xpath("..")).findElements(By.cssSelector(".tree-children [data-slug='tree-partner']")))
                .hasSize(1);
        assertThat(node("tree-shop").findElement(By.cssSelector(".badge")).getText()).isEqualTo("rls");
        assertThat(node("tree-vault").findElement(By.cssSelector(".badge")).getText()).isEqualTo("schema");
        assertThat(node("tree-vault").findElement(By.cssSelector(".tree-where")).getText()).contains(vault.placement().schema());

        // the key is kept for this tab only, and never in the address
        assertThat(storage("sessionStorage")).containsValue(api.adminKey());
        assertThat(storage("localStorage")).doesNotContainValue(api.adminKey());
        assertThat(driver().getCurrentUrl()).doesNotContain(api.adminKey());
        browser.screenshot("tree");
    }

    @Test
    void remember_keeps_the_key_in_local_storage_and_signing_out_forgets_it() {
        signIn(api.adminKey(), true);
        assertThat(storage("localStorage")).containsValue(api.adminKey());
        assertThat(storage("sessionStorage")).doesNotContainValue(api.adminKey());
        driver().navigate().refresh();
        browser.visible("#tenant-tree [data-slug='operator']");

        browser.visible("#sign-out").click();
        browser.visible("#signin-key");
        assertThat(storage("localStorage")).doesNotContainValue(api.adminKey());
        assertThat(storage("sessionStorage")).doesNotContainValue(api.adminKey());
    }

    @Test
    void a_revoked_key_is_signed_out_with_a_message() {
        ApiKeys.Created key = api.keys().create("console-revoked");
        signIn(key.secret(), false);
        api.keys().revoke(key.key().id());
        go("#/tenants/tree-shop");
        WebElement error = browser.withText("#signin-error .notice-error", "signed out");
        assertThat(error.getText()).contains("unknown").contains("revoked");
        assertThat(storage("sessionStorage")).doesNotContainValue(key.secret());
    }

    // ---------------------------------------------------------------- creating, suspending, resuming

    @Test
    void creating_a_t1_and_a_t2_in_the_console_shows_them_in_the_tree() {
        signIn(api.adminKey(), false);
        browser.visible("#new-tenant").click();
        new Select(browser.visible("#create-tier")).selectByValue("1");
        browser.visible("#create-slug").sendKeys("made-in-console");
        browser.visible("#create-name").sendKeys("Made in the console");
        browser.visible("#create-submit").click();
        browser.withText("#tenant-title", "Made in the console");
        browser.textOf("#tenant-tree [data-slug='made-in-console'] .badge", "database"::equals);
        browser.screenshot("created-t1");

        browser.visible("#new-child").click();
        assertThat(new Select(browser.visible("#create-tier")).getFirstSelectedOption().getAttribute("value")).isEqualTo("2");
        assertThat(new Select(browser.visible("#create-parent")).getFirstSelectedOption().getAttribute("value"))
                .isEqualTo("made-in-console");
        browser.visible("#create-slug").sendKeys("made-kid");
        new Select(browser.visible("#create-mode")).selectByValue("schema");
        browser.visible("#create-submit").click();
        browser.withText("#tenant-slug", "made-kid");
        browser.textOf("#tenant-tree [data-slug='made-kid'] .badge", "schema"::equals);
        browser.visible("#tenant-tree li:has(> [data-slug='made-in-console']) > .tree-children [data-slug='made-kid']");
        browser.screenshot("created-t2");

        Tenant parent = strata.tenants().get("made-in-console");
        Tenant child = strata.tenants().get("made-kid");
        assertThat(parent.displayName()).isEqualTo("Made in the console");
        assertThat(child.parentId()).isEqualTo(parent.id());
        assertThat(child.mode()).isEqualTo(IsolationMode.SCHEMA);
    }

    @Test
    void a_refused_create_says_why_and_changes_nothing() {
        signIn(api.adminKey(), false);
        int before = strata.tenants().list().size();
        go("#/new?tier=1");
        browser.visible("#create-slug").sendKeys("Not A Slug!");
        browser.visible("#create-submit").click();
        WebElement error = browser.visible("#create-error .notice-error");
        assertThat(error.getText()).startsWith("Not created:").contains("INVALID_SLUG");

        browser.visible("#create-slug").clear();
        browser.visible("#create-slug").sendKeys("tree-partner");
        browser.visible("#create-submit").click();
        browser.withText("#create-error .notice-error", "DUPLICATE_SLUG");
        assertThat(strata.tenants().list()).hasSize(before);
        browser.screenshot("create-refused");
    }

    @Test
    void suspend_and_resume_from_the_tenant_page() {
        strata.tenants().create(NewTenant.t2("pausable", "other-partner"));
        signIn(api.adminKey(), false);
        go("#/tenants/pausable");
        browser.visible("#suspend-tenant").click();
        browser.withText("#tenant-status", "suspended");
        assertThat(strata.tenants().get("pausable").status()).isEqualTo(TenantStatus.SUSPENDED);
        browser.visible("#tenant-tree .tree-node.status-suspended[data-slug='pausable']");
        browser.screenshot("suspended");

        browser.visible("#resume-tenant").click();
        browser.withText("#tenant-status", "active");
        assertThat(strata.tenants().get("pausable").status()).isEqualTo(TenantStatus.ACTIVE);
        assertThat(driver().findElements(By.id("resume-tenant"))).isEmpty();
    }

    // ---------------------------------------------------------------- the tenant page

    @Test
    void the_tenant_page_shows_tables_with_row_counts_schema_version_limits_history_and_activity() throws Exception {
        Tenant shop = strata.tenants().create(NewTenant.t2("page-shop", "tree-partner").withDisplayName("Page Shop"));
        insertDocuments(shop, 3);
        signIn(api.adminKey(), false);
        go("#/tenants/page-shop");
        browser.withText("#tenant-title", "Page Shop");
        browser.visible("#tenant-tables tbody tr");
        assertThat(flat(browser.textOf("#tenant-tables", t -> t.contains("documents")))).contains("documents 3");
        String placement = flat(browser.textOf("#tenant-placement", t -> t.contains("Schema version")));
        assertThat(placement).contains("Plane " + shop.placement().dataPlane()).contains(shop.placement().database())
                .contains("Schema " + shop.placement().schema()).contains("Schema version 1");
        assertThat(flat(browser.textOf("#tenant-limits", t -> t.contains("Concurrent transactions")))).contains("Source tier");
        browser.await(d -> Long.parseLong(d.findElement(By.id("activity-total")).getText().replace(",", "")) >= 1);
        assertThat(driver().findElements(By.cssSelector("#activity-chart svg polyline"))).isNotEmpty();
        browser.visible("#tenant-history tbody tr");
        assertThat(browser.textOf("#tenant-history", t -> !t.isBlank())).doesNotContain(api.adminKey());
        browser.visible("#tenant-operations tbody tr");
        browser.screenshot("tenant-page");
    }

    @Test
    void a_display_name_with_markup_renders_as_text_everywhere() {
        strata.tenants().create(NewTenant.t1("xss-partner").withDisplayName(MARKUP_NAME));
        strata.tenants().create(NewTenant.t2("xss-shop", "xss-partner").withDisplayName(SCRIPT_NAME));
        signIn(api.adminKey(), false);
        assertThat(node("xss-partner").findElement(By.cssSelector(".tree-name")).getText()).isEqualTo(MARKUP_NAME);
        assertThat(node("xss-shop").findElement(By.cssSelector(".tree-name")).getText()).isEqualTo(SCRIPT_NAME);
        go("#/tenants/xss-partner");
        assertThat(browser.withText("#tenant-title", "<img").getText()).isEqualTo(MARKUP_NAME);
        browser.withText(".card", "Customers (T2)").findElement(By.xpath(".//a[normalize-space()='xss-shop']"));
        go("#/tenants/xss-shop");
        assertThat(browser.withText("#tenant-title", "<script>").getText()).isEqualTo(SCRIPT_NAME);
        go("#/new?tier=2&parent=xss-partner");
        assertThat(new Select(browser.visible("#create-parent")).getFirstSelectedOption().getText()).contains(MARKUP_NAME);
        go("#/");
        browser.visible("#health");

        assertThat(browser.script("return document.querySelectorAll('img').length")).isEqualTo(0L);
        assertThat(browser.script("return document.querySelectorAll('#app script, #app b, [onerror], [onmouseover]').length"))
                .isEqualTo(0L);
        assertThat(browser.script("return window.__xss === undefined")).isEqualTo(true);
        assertThatThrownBy(() -> driver().switchTo().alert()).isInstanceOf(NoAlertPresentException.class);
        browser.screenshot("markup-names");
    }

    // ---------------------------------------------------------------- operator pages

    @Test
    void the_migrations_audit_busiest_and_operations_pages_show_what_the_api_answers() throws Exception {
        Tenant busy = strata.tenants().create(NewTenant.t2("busiest-shop", "other-partner"));
        for (int i = 0; i < 25; i++) {
            strata.useTenant(busy.id(), scope -> scope.connection().prepareStatement("SELECT 1").executeQuery().close());
        }
        signIn(api.adminKey(), false);

        go("#/migrations");
        JsonNode status = http.get("/v1/migrations").json();
        assertThat(browser.visible("#latest-version").getText()).isEqualTo(status.get("latest_version").asText());
        browser.await(d -> d.findElements(By.cssSelector("#migration-targets tbody tr")).size() == status.get("targets").size());
        browser.screenshot("migrations");

        go("#/audit");
        assertThat(browser.withText("#audit-verdict", "pass").getText()).isEqualTo("passed");
        browser.screenshot("audit");

        go("#/top");
        WebElement top = browser.withText("#top-list", "busiest-shop");
        assertThat(top.findElement(By.cssSelector("tbody tr:first-child")).getText()).contains("busiest-shop");
        browser.screenshot("busiest");

        go("#/operations");
        browser.withText(".card", "provision");
        browser.screenshot("operations");

        go("#/");
        browser.withText("#health", "healthy");
        browser.screenshot("overview");
    }

    // ---------------------------------------------------------------- moves and tenant-bound keys (when the server has them)

    @Test
    void a_move_started_in_the_console_runs_to_its_end() {
        Assumptions.assumeTrue(documented("post", "/v1/tenants/{key}/move"),
                "This server has no POST /v1/tenants/{key}/move yet (helper move's branch): nothing to move with");
        strata.tenants().create(NewTenant.t2("moving-shop", "tree-partner"));
        signIn(api.adminKey(), false);
        go("#/tenants/moving-shop");
        new Select(browser.visible("#move-to")).selectByValue("schema");
        browser.visible("#move-start").click();
        browser.visible("#move-status .operation");
        browser.screenshot("move-running");
        WebElement done = browser.await(Duration.ofMinutes(3), d -> d.findElements(By.cssSelector("#move-status .operation")).stream()
                .filter(e -> !"running".equals(e.getAttribute("data-state"))).findFirst().orElse(null));
        assertThat(done.getAttribute("data-state")).as(done.getText()).isEqualTo("succeeded");
        browser.screenshot("move-finished");
        assertThat(strata.tenants().get("moving-shop").mode()).isEqualTo(IsolationMode.SCHEMA);
        browser.await(d -> d.findElement(By.cssSelector("#tenant-tree [data-slug='moving-shop'] .badge")).getText().equals("schema"));
    }

    @Test
    void a_t1_keys_console_shows_only_its_subtree() {
        Assumptions.assumeTrue(documented("post", "/v1/keys"),
                "This server has no tenant-bound keys yet (POST /v1/keys, helper keys' branch)");
        String secret = tenantKey("tree-partner");
        signIn(secret, false);
        browser.visible("#tenant-tree [data-slug='tree-shop']");
        List<String> shown = new ArrayList<>();
        driver().findElements(By.cssSelector("#tenant-tree .tree-node")).forEach(e -> shown.add(e.getAttribute("data-slug")));
        assertThat(shown).contains("tree-partner", "tree-shop", "tree-vault")
                .doesNotContain("operator", "other-partner", "other-shop");
        browser.screenshot("t1-key-tree");

        go("#/tenants/other-shop");
        assertThat(browser.visible("#main .notice-error").getText()).contains("TENANT_NOT_FOUND");
        assertThat(driver().findElements(By.id("tenant-title"))).isEmpty();
        assertThat(driver().getPageSource()).doesNotContain(strata.tenants().get("other-shop").id().toString());
    }

    // ---------------------------------------------------------------- helpers

    /** The text with every run of white space as one space. */
    private static String flat(String text) {
        return text.replaceAll("\\s+", " ");
    }

    private WebDriver driver() {
        return browser.driver();
    }

    private void open() {
        driver().get(api.baseUri() + "/");
        browser.script("window.sessionStorage.clear(); window.localStorage.removeItem('strata.console.key');");
        driver().get(api.baseUri() + "/#/");
        driver().navigate().refresh();
    }

    private void signIn(String key, boolean remember) {
        open();
        browser.visible("#signin-key").sendKeys(key);
        if (remember) {
            browser.visible("#signin-remember").click();
        }
        browser.visible("#signin-submit").click();
        browser.visible("#tenant-tree .tree-node");
    }

    private void go(String hash) {
        browser.script("window.location.hash = arguments[0];", hash);
    }

    private WebElement node(String slug) {
        return browser.visible("#tenant-tree [data-slug='" + slug + "']");
    }

    @SuppressWarnings("unchecked")
    private Map<String, String> storage(String which) {
        return (Map<String, String>) browser.script("const s = window." + which + "; const o = {};"
                + " for (let i = 0; i < s.length; i++) { o[s.key(i)] = s.getItem(s.key(i)); } return o;");
    }

    private boolean documented(String method, String path) {
        JsonNode doc = http.get("/v1/openapi.json").json();
        return doc.path("paths").path(path).has(method);
    }

    /** A new key bound to the tenant, through the API (its answer carries the secret, once). */
    private String tenantKey(String slug) {
        Http.Answer created = http.post("/v1/keys", "{\"tenant\": \"" + slug + "\", \"name\": \"console-" + slug + "\"}");
        assertThat(created.status()).as(created.toString()).isEqualTo(201);
        assertThat(created.json().path("secret").isTextual()).as(created.toString()).isTrue();
        return created.json().get("secret").asText();
    }

    private void insertDocuments(Tenant tenant, int count) throws SQLException {
        strata.useTenant(tenant.id(), scope -> {
            try (PreparedStatement ps = scope.connection().prepareStatement(
                    "INSERT INTO documents (tenant_id, title) VALUES (?, ?)")) {
                for (int i = 0; i < count; i++) {
                    ps.setObject(1, tenant.id());
                    ps.setString(2, "doc " + i);
                    ps.executeUpdate();
                }
            }
        });
    }
}
