package io.tidepool.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating-system user that server programs run as. {@code initdb}, {@code postgres} and {@code pgbouncer}
 * refuse to run as root, and CI runs as root; so when the JVM's effective uid is 0 every server command is wrapped
 * in {@code runuser -u postgres --} (the user is created with {@code useradd -r} if missing) and the directories
 * they write are given to that user. When not root, commands run unchanged as the current user. Immutable; one
 * instance per JVM ({@link #get()}).
 */
public final class ServerUser {
    /** The account used when running as root; also the name of every cluster's bootstrap superuser. */
    public static final String POSTGRES = "postgres";

    private static volatile ServerUser instance;

    private final boolean root;

    private ServerUser(boolean root) {
        this.root = root;
    }

    /** The server user of this JVM; on first use as root, creates the {@code postgres} account if needed. */
    public static ServerUser get() {
        ServerUser user = instance;
        if (user == null) {
            synchronized (ServerUser.class) {
                user = instance;
                if (user == null) {
                    user = new ServerUser(effectiveUid() == 0);
                    if (user.root) {
                        ensureAccount();
                    }
                    instance = user;
                }
            }
        }
        return user;
    }

    /** Whether this JVM runs as root, so server commands are wrapped in {@code runuser}. */
    public boolean isRoot() {
        return root;
    }

    /** {@code command} as it must be executed to run as the server user. */
    public List<String> wrap(List<String> command) {
        if (!root) {
            return command;
        }
        List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", POSTGRES, "--"));
        wrapped.addAll(command);
        return wrapped;
    }

    /** Gives {@code path} and everything below it to the server user (a no-op when not root). */
    public void own(Path path) {
        if (!root) {
            return;
        }
        try (Stream<Path> all = Files.walk(path)) {
            UserPrincipalLookupService lookup = path.getFileSystem().getUserPrincipalLookupService();
            var owner = lookup.lookupPrincipalByName(POSTGRES);
            GroupPrincipal group = lookup.lookupPrincipalByGroupName(POSTGRES);
            for (Path each : (Iterable<Path>) all::iterator) {
                PosixFileAttributeView view = Files.getFileAttributeView(each, PosixFileAttributeView.class);
                view.setOwner(owner);
                view.setGroup(group);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot give " + path + " to user " + POSTGRES, e);
        }
    }

    /** The effective uid from {@code /proc/self/status} ("Uid: real effective saved fs"); Linux only. */
    static int effectiveUid() {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(line -> line.startsWith("Uid:"))
                    .map(line -> Integer.parseInt(line.substring(4).trim().split("\\s+")[1]))
                    .findFirst()
                    .orElseThrow(() -> new TestkitException("/proc/self/status has no Uid: line"));
        } catch (IOException e) {
            // Not Linux: fall back on the user name, which is right for every CI image we know.
            return "root".equals(System.getProperty("user.name")) ? 0 : 1000;
        }
    }

    private static void ensureAccount() {
        if (ProcessRunner.of("id", "-u", POSTGRES).run().succeeded()) {
            return;
        }
        ProcessRunner.of("useradd", "-r", "-U", "-M", "-s", "/bin/sh", "-d", "/nonexistent", POSTGRES)
                .run().requireSuccess();
    }
}
