/**
 * The two Netty decoders of a connection's inbound bytes: {@link io.tidepool.wire.codec.StartupDecoder} for the
 * untyped startup packets and {@link io.tidepool.wire.codec.FrameDecoder} for typed frames.
 */
@NullMarked
package io.tidepool.wire.codec;

import org.jspecify.annotations.NullMarked;
