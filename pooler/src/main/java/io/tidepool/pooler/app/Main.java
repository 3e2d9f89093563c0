package io.tidepool.pooler.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import sun.misc.Signal;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

/**
 * {@code bin/tidepool}: the command line (picocli). {@code run CONFIG} starts the pooler in the foreground, logging
 * to stdout; SIGTERM/SIGINT stop it gracefully, SIGHUP reloads the configuration.
 */
@Command(name = "tidepool", mixinStandardHelpOptions = true, versionProvider = Main.VersionProvider.class,
        description = "PostgreSQL connection pooler with primary/standby routing and an integrated VRRP virtual IP.",
        subcommands = {Main.Run.class, Main.Vrrp.class, CommandLine.HelpCommand.class})
public final class Main implements Callable<Integer> {
    /** How long SIGTERM lets running transactions finish before closing every connection. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(30);

    public static void main(String[] args) {
        int exit = new CommandLine(new Main()).execute(args);
        if (exit != 0 || args.length == 0 || !(args[0].equals("run") || args[0].equals("vrrp"))) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() {
        CommandLine.usage(this, System.out);
        return 2;
    }

    /** {@code tidepool run CONFIG}. */
    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run the pooler in the foreground with CONFIG (PgBouncer's ini format).")
    static final class Run implements Callable<Integer> {
        private static final Logger log = LoggerFactory.getLogger(Run.class);

        @Parameters(paramLabel = "CONFIG", description = "configuration file (pgbouncer.ini format)")
        Path config;

        @Override
        public Integer call() throws Exception {
            Tidepool tidepool;
            try {
                tidepool = Tidepool.start(config);
            } catch (RuntimeException e) {
                System.err.println("tidepool: " + e.getMessage());
                return 1;
            }
            Signal.handle(new Signal("HUP"), signal -> Thread.ofVirtual().start(tidepool::reload));
            Signal.handle(new Signal("TERM"), signal -> Thread.ofVirtual().start(
                    () -> tidepool.shutdown(SHUTDOWN_GRACE)));
            Signal.handle(new Signal("INT"), signal -> Thread.ofVirtual().start(
                    () -> tidepool.shutdown(SHUTDOWN_GRACE)));
            tidepool.awaitStopped();
            log.info("exiting");
            return 0;
        }
    }

    /** {@code tidepool vrrp CONFIG}: the VRRP speaker alone, a keepalived replacement for any service. */
    @Command(name = "vrrp", mixinStandardHelpOptions = true,
            description = "Run only the VRRP speaker with the [vrrp] and [vrrp_script NAME] sections of CONFIG.")
    static final class Vrrp implements Callable<Integer> {
        @Parameters(paramLabel = "CONFIG", description = "configuration file with a [vrrp] section")
        Path config;

        @Override
        public Integer call() throws Exception {
            io.tidepool.vip.VrrpInstance instance;
            try {
                var parsed = io.tidepool.pooler.config.ConfigLoader.load(config, false);
                instance = VrrpSetup.start(parsed, io.tidepool.vip.track.HealthSource.NONE);
            } catch (RuntimeException e) {
                System.err.println("tidepool vrrp: " + e.getMessage());
                return 1;
            }
            if (instance == null) {
                System.err.println("tidepool vrrp: " + config + " has no [vrrp] section");
                return 2;
            }
            var stopped = new java.util.concurrent.CountDownLatch(1);
            Signal.handle(new Signal("TERM"), signal -> Thread.ofVirtual().start(() -> {
                instance.close();
                stopped.countDown();
            }));
            Signal.handle(new Signal("INT"), signal -> Thread.ofVirtual().start(() -> {
                instance.close();
                stopped.countDown();
            }));
            stopped.await();
            return 0;
        }
    }

    /** {@code --version}: the jar's version and the JVM it runs on. */
    static final class VersionProvider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"Tidepool " + Version.get(),
                    "JVM " + Runtime.version() + " (" + System.getProperty("java.vm.vendor") + ")"};
        }
    }
}
