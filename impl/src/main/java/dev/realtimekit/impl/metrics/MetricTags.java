package dev.realtimekit.impl.metrics;

/** Maps open-ended values to the few tag values the instruments use, so that series stay bounded. */
final class MetricTags {

    static final String SUCCESS = "success";
    static final String FAILURE = "failure";

    private MetricTags() {
    }

    /** @return the close code itself for the standard ones (1000-1015), else its range or {@code other} */
    static String closeCode(int code) {
        if (code >= 1000 && code <= 1015) {
            return String.valueOf(code);
        }
        if (code >= 3000 && code <= 3999) {
            return "3xxx";
        }
        if (code >= 4000 && code <= 4999) {
            return "4xxx";
        }
        return "other";
    }

    /** @return the status itself when it is a valid HTTP status, else {@code other} */
    static String status(int status) {
        return status >= 100 && status <= 599 ? String.valueOf(status) : "other";
    }
}
