package dev.logrouter.app.query;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;

/**
 * The answer to a reload request of the extended query protocol ({@code {"reload":true}}), one JSON
 * object on one line: either the reload was applied ({@code ok}, with what it kept, started and
 * stopped) or it was refused and the running config stays ({@code errors}, each
 * {@code FILE:LINE:COL: message} as {@code logrouter check} prints it).
 *
 * @param ok         whether the new config runs now
 * @param file       the config file that was read
 * @param kept       sources and sinks left running untouched ({@code "sink ship"}, {@code "source web"})
 * @param started    sources and sinks started (new or changed)
 * @param stopped    sources and sinks stopped (removed or changed)
 * @param notApplied top-level parts that changed but need a restart ({@code journal}, {@code query},
 *                   {@code metrics})
 * @param errors     why the reload was refused; empty when {@code ok}
 */
public record ReloadReport(boolean ok, String file, List<String> kept, List<String> started, List<String> stopped,
                           List<String> notApplied, List<String> errors) {

    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    public ReloadReport {
        kept = kept == null ? List.of() : List.copyOf(kept);
        started = started == null ? List.of() : List.copyOf(started);
        stopped = stopped == null ? List.of() : List.copyOf(stopped);
        notApplied = notApplied == null ? List.of() : List.copyOf(notApplied);
        errors = errors == null ? List.of() : List.copyOf(errors);
    }

    /** A refused reload: the running config stays. */
    public static ReloadReport refused(String file, List<String> errors) {
        return new ReloadReport(false, file, List.of(), List.of(), List.of(), List.of(), errors);
    }

    /** One JSON line, without the newline. */
    public String toJson() {
        try {
            return MAPPER.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise a reload report", e);
        }
    }

    /**
     * Parses an answer line.
     *
     * @throws IllegalArgumentException when the line is not a reload report
     */
    public static ReloadReport parse(String json) {
        try {
            return MAPPER.readValue(json, ReloadReport.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a reload report: " + e.getOriginalMessage(), e);
        }
    }
}
