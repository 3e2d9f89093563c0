/**
 * The launcher: command line, configuration to runtime wiring, listeners, signals, reload and graceful shutdown.
 */
@NullMarked
package io.tidepool.pooler.app;

import org.jspecify.annotations.NullMarked;
