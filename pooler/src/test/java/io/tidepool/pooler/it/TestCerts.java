package io.tidepool.pooler.it;

import io.tidepool.testkit.ProcessRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * Throwaway certificates made by the {@code openssl} binary for one test run: a CA, a server certificate for
 * 127.0.0.1 (IP subjectAltName only, so a connection to "localhost" fails host-name verification), client
 * certificates with CN {@code certuser} and {@code alice}, and a rogue CA with a {@code certuser} certificate nobody
 * trusts. EC P-256 keys in PKCS#8 PEM (what the JDK provider reads), mode 0600 (what libpq requires). Immutable
 * after {@link #create}.
 */
final class TestCerts {
    final Path dir;
    final Path caCert;
    final Path serverCert;
    final Path serverKey;
    final Path clientCert;
    final Path clientKey;
    final Path aliceCert;
    final Path aliceKey;
    final Path rogueCert;
    final Path rogueKey;

    private TestCerts(Path dir) {
        this.dir = dir;
        caCert = dir.resolve("ca.crt");
        serverCert = dir.resolve("server.crt");
        serverKey = dir.resolve("server.key");
        clientCert = dir.resolve("certuser.crt");
        clientKey = dir.resolve("certuser.key");
        aliceCert = dir.resolve("alice.crt");
        aliceKey = dir.resolve("alice.key");
        rogueCert = dir.resolve("rogue-certuser.crt");
        rogueKey = dir.resolve("rogue-certuser.key");
    }

    static TestCerts create() {
        try {
            TestCerts certs = new TestCerts(tempDirDeletedAtExit("tidepool-certs-"));
            certs.ca("ca", "tidepool test CA");
            certs.ca("rogue-ca", "tidepool rogue CA");
            certs.leaf("server", "127.0.0.1", "ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
            certs.leaf("certuser", "certuser", "ca", "extendedKeyUsage=clientAuth\n");
            certs.leaf("alice", "alice", "ca", "extendedKeyUsage=clientAuth\n");
            certs.leaf("rogue-certuser", "certuser", "rogue-ca", "extendedKeyUsage=clientAuth\n");
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh temp directory that this test JVM deletes, with what is in it, when it exits. */
    static Path tempDirDeletedAtExit(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try (Stream<Path> all = Files.walk(dir)) {
                all.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            } catch (IOException | UncheckedIOException e) {
                // best effort: the JVM is exiting
            }
        }, "delete " + dir.getFileName()));
        return dir;
    }

    /** A new server certificate and key (same CA, same names, new serial and key) over the old files, for RELOAD. */
    void renewServer() {
        leaf("server", "127.0.0.1", "ca", "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
    }

    private void ca(String name, String subject) {
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-keyout", dir.resolve(name + ".key").toString(), "-out", dir.resolve(name + ".crt").toString(),
                "-days", "2", "-subj", "/CN=" + subject,
                "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign");
        restrict(dir.resolve(name + ".key"));
    }

    private void leaf(String name, String cn, String ca, String extensions) {
        try {
            Path ext = dir.resolve(name + ".ext");
            Files.writeString(ext, "basicConstraints=CA:FALSE\n" + extensions);
            Path csr = dir.resolve(name + ".csr");
            openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", dir.resolve(name + ".key").toString(), "-out", csr.toString(), "-subj", "/CN=" + cn);
            openssl("x509", "-req", "-in", csr.toString(), "-CA", dir.resolve(ca + ".crt").toString(),
                    "-CAkey", dir.resolve(ca + ".key").toString(), "-set_serial",
                    Long.toString(System.nanoTime() & Long.MAX_VALUE), "-days", "2", "-sha256",
                    "-extfile", ext.toString(), "-out", dir.resolve(name + ".crt").toString());
            restrict(dir.resolve(name + ".key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void openssl(String... args) {
        String[] command = new String[args.length + 1];
        command[0] = "openssl";
        System.arraycopy(args, 0, command, 1, args.length);
        ProcessRunner.of(command).timeout(Duration.ofSeconds(30)).run().requireSuccess();
    }

    private static void restrict(Path key) {
        try {
            Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Copies the server certificate, key and CA into {@code target} (for PostgreSQL, which must own its key). */
    void copyServerFilesTo(Path target) {
        try {
            Files.createDirectories(target);
            Files.copy(serverCert, target.resolve("server.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(serverKey, target.resolve("server.key"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Files.copy(caCert, target.resolve("ca.crt"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            restrict(target.resolve("server.key"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
