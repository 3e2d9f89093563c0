package io.tidepool.wire.frontend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.Frame;
import io.tidepool.wire.StartupCode;
import io.tidepool.wire.golden.Frames;
import io.tidepool.wire.golden.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static io.tidepool.wire.golden.ByteAssert.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every frontend message against bytes real clients (psql 15, pgjdbc 42.7.14, pg_receivewal, a raw socket client)
 * sent to PostgreSQL 15.18 through WireRecorder: decode gives the expected record, and encoding that record gives
 * the very same bytes.
 */
class FrontendGoldenTest {
    /** How a fixture is decoded: a typed frame through a decoder, or an untyped packet through StartupDecoder. */
    record Case(String fixture, Object expected, Function<Frame, Object> decoder) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    private static final Function<Frame, Object> TYPED = FrontendMessages::decode;
    private static final Function<Frame, Object> STARTUP = frame -> { throw new AssertionError("untyped"); };

    static List<Case> cases() {
        return List.of(
                new Case("StartupMessage-psql", startup(StartupCode.PROTOCOL_3_0, "user", "postgres",
                        "database", "postgres", "application_name", "psql"), STARTUP),
                new Case("StartupMessage-protocol32", startup(StartupCode.PROTOCOL_3_2, "user", "postgres",
                        "database", "postgres", "_pq_.tidepool_test", "1"), STARTUP),
                new Case("StartupMessage-replication", startup(StartupCode.PROTOCOL_3_0, "user", "postgres",
                        "database", "replication", "replication", "true", "application_name", "pg_receivewal"),
                        STARTUP),
                new Case("SSLRequest-psql", SSLRequest.INSTANCE, STARTUP),
                new Case("GSSENCRequest-pgjdbc", GSSENCRequest.INSTANCE, STARTUP),
                new Case("CancelRequest-psql", new CancelRequest(7876, hex("1b364a6c")), STARTUP),
                new Case("Query-select1", new Query("select 1"), TYPED),
                new Case("Query-semicolon", new Query(";"), TYPED),
                new Case("Parse-named-with-types", new Parse("tp_stmt",
                        "select id, name from t where id > $1 order by id", new int[] {23}), TYPED),
                new Case("Parse-pgjdbc", new Parse("S_1", "select id, name from t where id = $1", new int[] {23}),
                        TYPED),
                new Case("Bind-pgjdbc", new Bind("", "S_1", new int[] {1}, new byte[][] {hex("00000002")},
                        new int[0]), TYPED),
                new Case("Bind-binary-result", new Bind("tp_portal", "tp_stmt", new int[] {0},
                        new byte[][] {text("0")}, new int[] {1, 0}), TYPED),
                new Case("Bind-null-parameter", new Bind("", "", new int[0], new byte[][] {null}, new int[0]),
                        TYPED),
                new Case("Describe-statement", new Describe(ObjectKind.STATEMENT, "tp_stmt"), TYPED),
                new Case("Describe-portal", new Describe(ObjectKind.PORTAL, "tp_portal"), TYPED),
                new Case("Execute-row-limit", new Execute("tp_portal", 2), TYPED),
                new Case("Execute-pgjdbc", new Execute("", 0), TYPED),
                new Case("Close-portal", new Close(ObjectKind.PORTAL, "tp_portal"), TYPED),
                new Case("Close-statement", new Close(ObjectKind.STATEMENT, "tp_stmt"), TYPED),
                new Case("Sync-pgjdbc", Sync.INSTANCE, TYPED),
                new Case("Flush-raw", Flush.INSTANCE, TYPED),
                new Case("Terminate-psql", Terminate.INSTANCE, TYPED),
                // lo_creat(INV_READ | INV_WRITE) and lowrite(fd 0, data), binary arguments and result.
                new Case("FunctionCall-lo_creat", new FunctionCall(957, new int[] {1},
                        new byte[][] {hex("00060000")}, 1), TYPED),
                new Case("FunctionCall-lowrite", new FunctionCall(955, new int[] {1},
                        new byte[][] {hex("00000000"), text("hello from lo_import\n")}, 1), TYPED),
                new Case("CopyData-copy-in", new CopyData(text("4\tfour\n5\tfive\n")), TYPED),
                // Standby status update: 'r', write/flush/apply LSNs, client clock, no reply requested.
                new Case("CopyData-standby-status", new CopyData(hex("72" + "0000000002000000"
                        + "0000000000000000" + "0000000000000000" + "000303cfbbbb3a39" + "00")), TYPED),
                new Case("CopyDone-psql", CopyDone.INSTANCE, TYPED),
                new Case("CopyFail-pgjdbc", new CopyFail("Copy cancel requested"), TYPED),
                new Case("PasswordMessage-md5", new PasswordMessage("md5fe6a6e5a24e1273015d3133e879f61e6"),
                        FrontendMessages::decodePassword),
                new Case("PasswordMessage-cleartext", new PasswordMessage("clearsecret"),
                        FrontendMessages::decodePassword),
                new Case("SASLInitialResponse-scram", new SASLInitialResponse("SCRAM-SHA-256",
                        text("n,,n=,r=nbHHNrqsKno2cPrlD5Gz2zWD")), FrontendMessages::decodeSASLInitialResponse),
                new Case("SASLResponse-scram", new SASLResponse(text("c=biws,r=nbHHNrqsKno2cPrlD5Gz2zWDqH+XxKG1g0"
                        + "algKsJACoRZBoF,p=K85rFPbh6LiBNBfgiROjGmEBbRHg4d+QMiftJ2Qwcd0=")),
                        FrontendMessages::decodeSASLResponse));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesToTheExpectedRecordAndEncodesToTheSameBytes(Case c) {
        String fixture = "frontend/" + c.fixture() + ".hex";
        assertThat(Golden.comments(fixture)).anySatisfy(l -> assertThat(l).contains("PostgreSQL 15"))
                .anySatisfy(l -> assertThat(l).contains("then: "));
        ByteBuf golden = Golden.load(fixture);
        Object decoded = c.decoder() == STARTUP ? Frames.startupPacket(Golden.bytes(fixture))
                : c.decoder().apply(Frames.of(golden.duplicate()));
        assertThat(decoded).isEqualTo(c.expected());

        ByteBuf encoded = Unpooled.buffer();
        switch (c.expected()) {
            case FrontendMessage message -> message.encode(encoded);
            case StartupPacket packet -> packet.encode(encoded);
            default -> throw new AssertionError(c.expected());
        }
        assertSameBytes(fixture, golden, encoded);
    }

    /** A fixture nobody tests would be a silent gap: each file must appear in {@link #cases()}. */
    @Test
    void everyFrontendFixtureHasACase() {
        Set<String> tested = cases().stream().map(c -> "frontend/" + c.fixture() + ".hex").collect(Collectors.toSet());
        assertThat(Golden.list("frontend")).containsExactlyInAnyOrderElementsOf(tested);
    }

    /** GSSResponse cannot be captured without a Kerberos KDC; its layout is "the token, nothing else" (docs). */
    @Test
    void gssResponseIsTheTokenAsIs() {
        ByteBuf bytes = Unpooled.wrappedBuffer(hex("70" + "00000009" + "6082010a05"));
        var decoded = FrontendMessages.decodeGSSResponse(new Frame((byte) 'p', bytes));
        assertThat(decoded).isEqualTo(new GSSResponse(hex("6082010a05")));
        ByteBuf encoded = Unpooled.buffer();
        decoded.encode(encoded);
        assertSameBytes("GSSResponse", bytes.resetReaderIndex(), encoded);
    }

    static StartupMessage startup(int version, String... pairs) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            parameters.put(pairs[i], pairs[i + 1]);
        }
        return new StartupMessage(version, parameters);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
