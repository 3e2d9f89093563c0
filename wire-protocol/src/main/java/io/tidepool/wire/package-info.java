/**
 * PostgreSQL wire protocol 3.0/3.2 basics shared by both directions: {@link io.tidepool.wire.Frame} (a type byte and
 * the retained bytes it arrived in), the startup codes, {@link io.tidepool.wire.Limits} and
 * {@link io.tidepool.wire.ProtocolException}.
 */
@NullMarked
package io.tidepool.wire;

import org.jspecify.annotations.NullMarked;
