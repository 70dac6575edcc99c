package dev.strata.server.api;

import dev.strata.ErrorCode;

import java.util.Locale;

/**
 * An error response of the REST API ({@code application/problem+json}, RFC 9457), extended with
 * {@code code}: the {@link ErrorCode} name clients branch on. {@code status} is always
 * {@code code.httpStatus()}.
 *
 * @param type   {@code urn:strata:problem:<code in kebab case>}
 * @param title  the code in words, the same for every occurrence
 * @param status the HTTP status
 * @param detail what went wrong this time and what to do about it
 * @param code   the {@link ErrorCode} name
 */
public record Problem(String type, String title, int status, String detail, String code) {

    /** The media type of every error response. */
    public static final String MEDIA_TYPE = "application/problem+json";

    public static Problem of(ErrorCode code, String detail) {
        String words = code.name().toLowerCase(Locale.ROOT).replace('_', ' ');
        return new Problem("urn:strata:problem:" + code.name().toLowerCase(Locale.ROOT).replace('_', '-'),
                Character.toUpperCase(words.charAt(0)) + words.substring(1), code.httpStatus(), detail, code.name());
    }
}
