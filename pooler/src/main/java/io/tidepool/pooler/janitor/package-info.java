/** Periodic maintenance on each event loop (PgBouncer's janitor.c). */
@NullMarked
package io.tidepool.pooler.janitor;

import org.jspecify.annotations.NullMarked;
