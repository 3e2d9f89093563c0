/**
 * Server-to-client messages. {@link io.tidepool.wire.backend.ControlMessage} groups exactly the types the data path
 * decodes; every other type is forwarded as the bytes it arrived in, and its record exists for tests, the admin
 * console and fakes.
 */
@NullMarked
package io.tidepool.wire.backend;

import org.jspecify.annotations.NullMarked;
