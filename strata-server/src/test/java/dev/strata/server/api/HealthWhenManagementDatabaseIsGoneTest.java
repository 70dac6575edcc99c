package dev.strata.server.api;

import dev.strata.ErrorCode;
import dev.strata.Strata;
import dev.strata.server.testing.Http;
import dev.strata.testing.TestStrata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HealthWhenManagementDatabaseIsGoneTest {

    @Test
    void health_answers_503_problem_when_the_management_database_is_unreachable() {
        Strata strata = TestStrata.start();
        String namespace = strata.config().namespace();
        ApiServer server = ApiServer.start(strata, new ApiKeys(strata.internals().management()), "127.0.0.1", 0);
        try {
            Http anonymous = new Http(server.baseUri(), null);
            assertThat(anonymous.get("/health").status()).isEqualTo(200);

            strata.close();

            Http.Answer answer = anonymous.get("/health");
            RestApiTest.assertProblem(answer, ErrorCode.SERVICE_UNAVAILABLE);
            assertThat(answer.status()).isEqualTo(503);
        } finally {
            server.close();
            TestStrata.dropNamespace(namespace);
        }
    }
}
