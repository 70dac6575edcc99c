package dev.strata.internal.operation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.strata.ErrorCode;
import dev.strata.OperationInfo;
import dev.strata.OperationKind;
import dev.strata.OperationState;
import dev.strata.StrataException;

import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * One operation as the journal held it when read.
 *
 * @param live whether its lease ran at the moment it was read (the management database's clock):
 *             its owner works on it, so no other process may take it over
 * @param progressJson the journalled progress object: {@code done}, {@code total} and what the
 *             operation reports beyond them ({@link RunningOperation#report})
 */
public record JournalEntry(UUID id, OperationKind kind, UUID tenantId, OperationState state, String detailJson,
                           String stepsJson, String owner, Instant leaseExpiresAt, boolean live, int done, int total,
                           String error, Instant startedAt, Instant finishedAt, int attempts, String progressJson) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Whether a run of the step (for any qualifier) has started. */
    public boolean started(OperationStep step) {
        for (JsonNode entry : steps()) {
            String name = entry.path("step").asText();
            if (name.equals(step.wireName()) || name.startsWith(step.wireName() + ":")) {
                return true;
            }
        }
        return false;
    }

    /** The names of the steps that finished at least once. */
    public List<String> doneSteps() {
        List<String> out = new ArrayList<>();
        for (JsonNode entry : steps()) {
            if ("done".equals(entry.path("phase").asText()) && !out.contains(entry.path("step").asText())) {
                out.add(entry.path("step").asText());
            }
        }
        return out;
    }

    /** A field of the operation's detail object, or {@code null}. */
    public JsonNode detail(String field) {
        try {
            JsonNode node = JSON.readTree(detailJson == null ? "{}" : detailJson).get(field);
            return node == null || node.isNull() ? null : node;
        } catch (IOException e) {
            return null;
        }
    }

    /** The public view. */
    public OperationInfo info() {
        List<OperationInfo.Step> runs = new ArrayList<>();
        for (JsonNode entry : steps()) {
            String name = entry.path("step").asText();
            Instant at = instant(entry.path("at").asText(null));
            if ("started".equals(entry.path("phase").asText())) {
                runs.add(new OperationInfo.Step(name, at, null));
            } else {
                for (int i = runs.size() - 1; i >= 0; i--) {
                    OperationInfo.Step run = runs.get(i);
                    if (run.name().equals(name) && run.finishedAt() == null) {
                        runs.set(i, new OperationInfo.Step(name, run.startedAt(), at));
                        break;
                    }
                }
            }
        }
        String phase = runs.isEmpty() ? null : runs.get(runs.size() - 1).name();
        return new OperationInfo(id, kind, tenantId, state, phase, done, total, runs, error, owner, leaseExpiresAt,
                startedAt, finishedAt, attempts, report());
    }

    /** What the operation reported beyond done/total ({@link RunningOperation#report}), as a map. */
    public java.util.Map<String, Object> report() {
        try {
            java.util.Map<String, Object> all = JSON.readValue(progressJson == null ? "{}" : progressJson,
                    new com.fasterxml.jackson.core.type.TypeReference<java.util.LinkedHashMap<String, Object>>() {
                    });
            all.remove("done");
            all.remove("total");
            return all;
        } catch (IOException e) {
            return java.util.Map.of();
        }
    }

    /** How another process's request to take it over is refused while it is live. */
    public StrataException liveConflict(String verb) {
        return new StrataException(ErrorCode.OPERATION_CONFLICT, "Operation " + id + " (" + kind.wireName()
                + ") is running in process " + owner + ", whose lease runs until " + leaseExpiresAt
                + ": it cannot be " + verb + " while its owner lives. Try again after that process stopped and the "
                + "lease expired");
    }

    private JsonNode steps() {
        try {
            return JSON.readTree(stepsJson == null ? "[]" : stepsJson);
        } catch (IOException e) {
            return JSON.createArrayNode();
        }
    }

    private static Instant instant(String text) {
        if (text == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }
}
