package io.tidepool.wire.error;

/** Severities Tidepool itself sends. FATAL ends the session; ERROR ends the current request. */
public enum Severity {
    ERROR, FATAL, PANIC, WARNING, NOTICE, DEBUG, INFO, LOG
}
