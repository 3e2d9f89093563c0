/**
 * JMH micro-benchmarks of the wire-protocol layer, one per hot-path component ({@code *Benchmark}), run with
 * {@code java -jar perf/target/tidepool-perf.jar}. Each benchmark state is confined to JMH's benchmark thread.
 */
@NullMarked
package io.tidepool.perf.wire;

import org.jspecify.annotations.NullMarked;
