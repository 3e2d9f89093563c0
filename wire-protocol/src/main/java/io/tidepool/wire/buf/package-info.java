/** Bounded buffer helpers: NUL-terminated strings, back-patched length prefixes. */
@NullMarked
package io.tidepool.wire.buf;

import org.jspecify.annotations.NullMarked;
