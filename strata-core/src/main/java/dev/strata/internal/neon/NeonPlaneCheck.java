package dev.strata.internal.neon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.strata.ErrorCode;
import dev.strata.NeonOptions;
import dev.strata.StrataException;
import dev.strata.internal.plane.NeonPlaneSettings;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * What adding a Neon plane checks before anything is registered: the API answers with the key
 * (it lists the account's projects), and the template exists. Branch placement needs one: a
 * {@code --template-project} means that project's default branch; a {@code --template-branch}
 * is looked up in the account's projects. The settings recorded name both the project and the
 * branch. Errors are {@link ErrorCode#INVALID_ARGUMENT} (a refused key, an unknown template, no
 * template for branch placement) or {@link ErrorCode#DATA_PLANE_FAILED} (the API cannot be reached).
 */
public final class NeonPlaneCheck implements UnaryOperator<NeonPlaneSettings> {
    /** How long a check waits for an API that does not answer. */
    static final Duration CHECK_BOUND = Duration.ofSeconds(5);

    @Override
    public NeonPlaneSettings apply(NeonPlaneSettings s) {
        NeonApi api = new NeonApi(new NeonAccount(s.apiUrl(), s.apiKey()), CHECK_BOUND, Duration.ofMinutes(1), 700, 40);
        List<JsonNode> projects;
        try {
            projects = api.listProjects(null);
        } catch (NeonCallException e) {
            if (e.status() == 401 || e.status() == 403) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The Neon API at " + s.apiUrl()
                        + " refused the API key (HTTP " + e.status() + "): check the key file. Nothing was registered", e);
            }
            throw new StrataException(ErrorCode.DATA_PLANE_FAILED, "Cannot add Neon plane '" + s.key() + "': "
                    + e.getMessage() + ". Nothing was registered", e);
        } catch (StrataException e) {
            throw new StrataException(e.code(), "Cannot add Neon plane '" + s.key() + "': " + e.getMessage()
                    + ". Nothing was registered", e);
        }
        if (s.placement() == NeonOptions.Layout.PROJECT) {
            return s;
        }
        if (s.templateProject() == null && s.templateBranch() == null) {
            throw new StrataException(ErrorCode.INVALID_ARGUMENT, "Branch placement makes each T1 a child branch of a"
                    + " template: give --template-project P (its default branch) or --template-branch B");
        }
        if (s.templateProject() != null) {
            if (projects.stream().noneMatch(p -> p.path("id").asText().equals(s.templateProject()))
                    && api.getProject(s.templateProject()).isEmpty()) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The template project '" + s.templateProject()
                        + "' does not exist in the Neon account (`strata planes add` lists nothing yet: check its id)");
            }
            Optional<NeonBranch> main = api.listBranches(s.templateProject()).stream().filter(NeonBranch::isDefault)
                    .findFirst();
            if (main.isEmpty()) {
                throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The template project '" + s.templateProject()
                        + "' has no default branch");
            }
            return with(s, s.templateProject(), main.get().id());
        }
        for (JsonNode p : projects) {
            String projectId = p.path("id").asText();
            for (NeonBranch b : api.listBranches(projectId)) {
                if (b.id().equals(s.templateBranch())) {
                    return with(s, projectId, b.id());
                }
            }
        }
        throw new StrataException(ErrorCode.INVALID_ARGUMENT, "The template branch '" + s.templateBranch()
                + "' is in none of the Neon account's " + projects.size() + " projects: check its id (br-...)");
    }

    private static NeonPlaneSettings with(NeonPlaneSettings s, String project, String branch) {
        return new NeonPlaneSettings(s.key(), s.apiUrl(), s.apiKey(), s.region(), s.placement(), project, branch, s.pooled(),
                s.coldStartTimeout());
    }
}
