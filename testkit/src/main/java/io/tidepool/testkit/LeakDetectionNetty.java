package io.tidepool.testkit;

import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The Netty half of {@link LeakDetection}, loaded only when Netty is on the class path: a detector factory whose
 * detectors record their reports, and a way to make every detector poll its queue of collected resources.
 */
final class LeakDetectionNetty {
    private static final List<ResourceLeakDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();

    private LeakDetectionNetty() {
    }

    static void install() {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    }

    /**
     * A detector reports what its reference queue holds when it tracks a new object; track a throwaway probe on each
     * one so that leaks surface now rather than at some later allocation.
     */
    @SuppressWarnings("unchecked")
    static void poll() {
        Object probe = new Object();
        for (ResourceLeakDetector<?> detector : DETECTORS) {
            ResourceLeakTracker<Object> tracker = ((ResourceLeakDetector<Object>) detector).trackForcibly(probe);
            if (tracker != null) {
                tracker.close(probe);
            }
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                long maxActive) {
            return newResourceLeakDetector(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            var detector = new RecordingDetector<T>(resource, samplingInterval);
            DETECTORS.add(detector);
            return detector;
        }
    }

    private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
        RecordingDetector(Class<T> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        /** Report even when logging is off: the run must fail either way. */
        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            LeakDetection.record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected."
                    + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            LeakDetection.record("LEAK: " + resourceType + ".release() was not called before it was garbage-collected"
                    + " (enable paranoid leak detection to see where it was accessed)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
