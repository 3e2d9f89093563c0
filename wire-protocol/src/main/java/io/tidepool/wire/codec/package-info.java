/** The two Netty decoders: {@link io.tidepool.wire.codec.StartupDecoder} and {@link io.tidepool.wire.codec.FrameDecoder}. */
@NullMarked
package io.tidepool.wire.codec;

import org.jspecify.annotations.NullMarked;
