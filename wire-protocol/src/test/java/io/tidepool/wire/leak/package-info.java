/** Self-test of the leak detection that testkit installs for every test run. */
@NullMarked
package io.tidepool.wire.leak;

import org.jspecify.annotations.NullMarked;
