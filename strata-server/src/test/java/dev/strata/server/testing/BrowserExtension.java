package dev.strata.server.testing;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedCondition;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One headless Chromium per test class, driven by Selenium through Debian's {@code chromium} and
 * {@code chromium-driver} ({@code /usr/bin/chromium}, {@code /usr/bin/chromedriver}; other paths
 * with {@code -Dstrata.chromium=} and {@code -Dstrata.chromedriver=}). Without them the class is
 * skipped with a message saying what to install, except under CI ({@code CI=true}), where it fails:
 * {@code .ci/run} installs them, so their absence there is a broken set-up, not a reason to pass.
 * The browser starts with a new empty profile and no network beyond the page's origin (no
 * background, component or sync traffic, no QUIC), and is quit after the last test. A failed
 * test leaves a screenshot of the page as it was ({@code <TestClass>-<test>-failed.png}).
 *
 * <pre>{@code
 * @RegisterExtension
 * static final BrowserExtension browser = new BrowserExtension();
 * }</pre>
 */
public final class BrowserExtension implements BeforeAllCallback, AfterAllCallback, TestWatcher {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    private WebDriver driver;
    private Path profile;
    private String testClass = "console";

    /** The browser; from the class's {@code @BeforeAll} methods and its tests on. */
    public WebDriver driver() {
        if (driver == null) {
            throw new IllegalStateException("No browser: register BrowserExtension on a static field with @RegisterExtension");
        }
        return driver;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        testClass = context.getRequiredTestClass().getSimpleName();
        Path chromium = Path.of(System.getProperty("strata.chromium", "/usr/bin/chromium"));
        Path chromedriver = Path.of(System.getProperty("strata.chromedriver", "/usr/bin/chromedriver"));
        boolean present = Files.isExecutable(chromium) && Files.isExecutable(chromedriver);
        String missing = "Browser tests need Chromium and its driver at " + chromium + " and " + chromedriver
                + ": install them with 'apt-get install -y chromium chromium-driver' (.ci/run does)";
        if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(missing);
        }
        Assumptions.assumeTrue(present, missing + "; skipping " + testClass);
        profile = Files.createTempDirectory("strata-chromium-profile");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-default-apps", "--disable-extensions", "--disable-dev-shm-usage", "--no-default-browser-check",
                "--user-data-dir=" + profile, "--window-size=1440,960", "--lang=en-US");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().scriptTimeout(WAIT);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            driver = null;
            if (profile != null) {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
                }
            }
        }
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        if (driver != null) {
            try {
                screenshot(context.getRequiredTestMethod().getName() + "-failed");
            } catch (RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    }

    // ---------------------------------------------------------------- helpers for tests

    /**
     * Waits (up to 20 s) until the condition holds, and answers its value; elements the page
     * replaced meanwhile (it redraws after every answer) are looked up again.
     */
    public <T> T await(ExpectedCondition<T> condition) {
        return await(WAIT, condition);
    }

    /** Waits up to {@code timeout} until the condition holds. */
    public <T> T await(Duration timeout, ExpectedCondition<T> condition) {
        return new WebDriverWait(driver(), timeout).ignoring(StaleElementReferenceException.class).until(condition);
    }

    /** Waits for a visible element matching the CSS selector. */
    public WebElement visible(String css) {
        return await(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            return found.stream().filter(WebElement::isDisplayed).findFirst().orElse(null);
        });
    }

    /** Waits until an element matching the CSS selector shows the text (a substring, ignoring case). */
    public WebElement withText(String css, String text) {
        String wanted = text.toLowerCase(java.util.Locale.ROOT);
        return await(d -> d.findElements(By.cssSelector(css)).stream()
                .filter(e -> e.getText().toLowerCase(java.util.Locale.ROOT).contains(wanted)).findFirst().orElse(null));
    }

    /** Waits until the text of the first element matching the CSS selector satisfies the test, and answers it. */
    public String textOf(String css, java.util.function.Predicate<String> test) {
        return await(d -> {
            List<WebElement> found = d.findElements(By.cssSelector(css));
            String text = found.isEmpty() ? null : found.get(0).getText();
            return text != null && test.test(text) ? text : null;
        });
    }

    /** Runs JavaScript in the page and answers its value. */
    public Object script(String js, Object... args) {
        return ((JavascriptExecutor) driver()).executeScript(js, args);
    }

    /** Saves a PNG of the page as {@code target/console-screenshots/<TestClass>-<name>.png} and answers its path. */
    public Path screenshot(String name) {
        try {
            Files.createDirectories(SCREENSHOTS);
            Path file = SCREENSHOTS.resolve(testClass + "-" + name + ".png");
            Files.write(file, ((TakesScreenshot) driver()).getScreenshotAs(OutputType.BYTES));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
