/**
 * Test support for golden bytes: the fixture loader, frame helpers and the hex-dump byte assertion, shared by the
 * wire-protocol tests.
 */
@NullMarked
package io.tidepool.wire.golden;

import org.jspecify.annotations.NullMarked;
