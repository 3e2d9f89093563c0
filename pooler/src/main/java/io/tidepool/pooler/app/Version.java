package io.tidepool.pooler.app;

/** The version from the jar manifest ({@code Implementation-Version}), or "dev" when run from classes. */
public final class Version {
    private Version() {
    }

    public static String get() {
        String version = Version.class.getPackage().getImplementationVersion();
        return version != null ? version : "dev";
    }
}
