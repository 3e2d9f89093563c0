package io.tidepool.testkit;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A throw-away lab of Linux network namespaces joined by one bridge: every {@link Host} is a namespace with an
 * {@code eth0} (one end of a veth pair) whose other end is a port of the bridge in the lab's switch namespace. Names
 * carry a random tag per lab, so concurrent or crashed runs never collide; {@link #close()} (and a JVM shutdown hook)
 * kills the processes the lab started and deletes every namespace, which also removes the veths and the bridge.
 *
 * <p>Needs root (or CAP_SYS_ADMIN + CAP_NET_ADMIN) and {@code ip}; tests call {@link #available()} and skip with
 * {@link #skipReason()} otherwise. Code can run <em>inside</em> a host's namespace from this JVM: {@link #call} runs a
 * task on a fresh platform thread that has {@code setns(2)} into the namespace, so sockets it opens live there.
 *
 * <p>Thread-safe for the usual test pattern (set up on the test thread, probe from helper threads).
 */
public final class NetNs implements AutoCloseable {
    private static final String IP = "/usr/sbin/ip";
    private static final int CLONE_NEWNET = 0x40000000;

    /** One namespace on the bridge. */
    public record Host(String name, String namespace, String address, String bridgePort) {
        /** The host's address without the prefix length. */
        public String ip() {
            return address.substring(0, address.indexOf('/'));
        }
    }

    private final String tag;
    private final String switchNs;
    private final List<Host> hosts = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    private final Thread cleanupHook;
    private boolean closed;

    private NetNs(String tag) {
        this.tag = tag;
        this.switchNs = tag + "-sw";
        this.cleanupHook = new Thread(this::cleanup, "netns-cleanup-" + tag);
        Runtime.getRuntime().addShutdownHook(cleanupHook);
    }

    /** Whether this process can build namespaces (root and the {@code ip} tool). */
    public static boolean available() {
        return skipReason() == null;
    }

    /** Why namespaces are unavailable, or null. */
    public static String skipReason() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network-namespace tests need root (CI runs as root); running as " + System.getProperty("user.name");
        }
        if (!Files.isExecutable(Path.of(IP))) {
            return "network-namespace tests need iproute2 (" + IP + ")";
        }
        return null;
    }

    /** Creates the switch namespace with bridge {@code br0}. */
    public static NetNs create() {
        var lab = new NetNs("tp" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt(1 << 20), 5));
        try {
            lab.run(IP, "netns", "add", lab.switchNs);
            lab.run(IP, "-n", lab.switchNs, "link", "add", "br0", "type", "bridge");
            lab.run(IP, "-n", lab.switchNs, "link", "set", "br0", "up");
            return lab;
        } catch (RuntimeException e) {
            lab.close();
            throw e;
        }
    }

    /** The random tag in every name of this lab. */
    public String tag() {
        return tag;
    }

    /**
     * Adds a host namespace {@code TAG-name} with {@code eth0} at {@code cidr} (e.g. "192.0.2.11/24") on the bridge.
     *
     * @param mac the eth0 MAC address, e.g. "02:00:00:00:00:11", or null for a random one
     */
    public synchronized Host addHost(String name, String cidr, String mac) {
        int index = hosts.size();
        String ns = tag + "-" + name;
        String hostEnd = tag + "h" + index;
        String bridgeEnd = tag + "b" + index;
        run(IP, "netns", "add", ns);
        var host = new Host(name, ns, cidr, bridgeEnd);
        hosts.add(host);
        run(IP, "link", "add", hostEnd, "type", "veth", "peer", "name", bridgeEnd);
        run(IP, "link", "set", hostEnd, "netns", ns);
        run(IP, "link", "set", bridgeEnd, "netns", switchNs);
        run(IP, "-n", switchNs, "link", "set", bridgeEnd, "master", "br0", "up");
        run(IP, "-n", ns, "link", "set", hostEnd, "name", "eth0");
        if (mac != null) {
            run(IP, "-n", ns, "link", "set", "eth0", "address", mac);
        }
        run(IP, "-n", ns, "addr", "add", cidr, "dev", "eth0");
        run(IP, "-n", ns, "link", "set", "eth0", "up");
        run(IP, "-n", ns, "link", "set", "lo", "up");
        return host;
    }

    /**
     * Isolates a host's bridge port ({@code bridge link set ... isolated on}): isolated ports cannot reach each other
     * but still reach the others, so isolating two hosts partitions them from each other and nothing else.
     */
    public void isolate(Host host, boolean isolated) {
        run(IP, "-n", switchNs, "link", "set", "dev", host.bridgePort(), "type", "bridge_slave", "isolated",
                isolated ? "on" : "off");
    }

    /** Sets the host's eth0 link up or down (from inside the host: carrier goes with it). */
    public void link(Host host, boolean up) {
        run(IP, "-n", host.namespace(), "link", "set", "eth0", up ? "up" : "down");
    }

    /** Runs a command inside the host's namespace and returns its output; fails on a non-zero exit. */
    public String exec(Host host, String... command) {
        var full = new ArrayList<>(List.of(IP, "netns", "exec", host.namespace()));
        full.addAll(List.of(command));
        return run(full.toArray(String[]::new));
    }

    /** The host's IPv4 addresses on eth0, as {@code ip -4 -o addr} prints them. */
    public String addresses(Host host) {
        return run(IP, "-n", host.namespace(), "-4", "-o", "addr", "show", "dev", "eth0");
    }

    /**
     * Starts a long-running process inside the host's namespace, output (both streams) appended to {@code log}. The
     * lab kills it on close if it is still alive.
     */
    public synchronized Process start(Host host, List<String> command, Path log) throws IOException {
        var full = new ArrayList<>(List.of(IP, "netns", "exec", host.namespace()));
        full.addAll(command);
        Process process = new ProcessBuilder(full).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(process);
        return process;
    }

    /** Like {@link #start(Host, List, Path)} but with stdout piped back to the caller (stderr to {@code log}). */
    public synchronized Process startPiped(Host host, List<String> command, Path log) throws IOException {
        var full = new ArrayList<>(List.of(IP, "netns", "exec", host.namespace()));
        full.addAll(command);
        Process process = new ProcessBuilder(full)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        processes.add(process);
        return process;
    }

    /** Runs {@code task} on a new platform thread inside the host's network namespace and returns its result. */
    public <T> CompletableFuture<T> call(Host host, Callable<T> task) {
        var result = new CompletableFuture<T>();
        Thread.ofPlatform().name("netns-" + host.name()).daemon(true).start(() -> {
            try {
                Setns.enter(host.namespace());
                result.complete(task.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        return result;
    }

    /** Kills a process the lab started with SIGKILL, its descendants first, and waits for all of them to exit. */
    public static void kill9(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(5, TimeUnit.SECONDS);
            for (ProcessHandle child : descendants) {
                child.onExit().get(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("process did not exit after SIGKILL: " + e, e);
        }
    }

    private String run(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + String.join(" ", command), e);
        }
    }

    private synchronized void cleanup() {
        if (closed) {
            return;
        }
        closed = true;
        for (Process process : processes) {
            if (process.isAlive()) {
                kill9(process);
            }
        }
        for (Host host : hosts) {
            quietly(IP, "netns", "del", host.namespace());
        }
        quietly(IP, "netns", "del", switchNs);
    }

    private static void quietly(String... command) {
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException ignored) {
            // best effort: the namespaces carry a unique tag
        }
    }

    @Override
    public void close() {
        cleanup();
        try {
            Runtime.getRuntime().removeShutdownHook(cleanupHook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running or ran
        }
    }

    /** setns(2) for the calling thread, through FFM (no native library). */
    @SuppressWarnings("restricted")
    private static final class Setns {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final MethodHandle OPEN = LINKER.downcallHandle(
                LINKER.defaultLookup().find("open").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
        private static final MethodHandle SETNS = LINKER.downcallHandle(
                LINKER.defaultLookup().find("setns").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
        private static final MethodHandle CLOSE = LINKER.downcallHandle(
                LINKER.defaultLookup().find("close").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

        static void enter(String namespace) throws Throwable {
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment path = arena.allocateFrom("/var/run/netns/" + namespace);
                int fd = (int) OPEN.invokeExact(path, 0 /* O_RDONLY */);
                if (fd < 0) {
                    throw new IllegalStateException("open /var/run/netns/" + namespace + " failed");
                }
                int rc = (int) SETNS.invokeExact(fd, CLONE_NEWNET);
                int ignored = (int) CLOSE.invokeExact(fd);
                if (rc != 0) {
                    throw new IllegalStateException("setns(" + namespace + ", CLONE_NEWNET) failed");
                }
            }
        }
    }
}
