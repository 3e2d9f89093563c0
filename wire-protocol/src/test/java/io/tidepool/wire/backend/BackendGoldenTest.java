package io.tidepool.wire.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.tidepool.wire.StartupCode;
import io.tidepool.wire.golden.Frames;
import io.tidepool.wire.golden.Golden;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static io.tidepool.wire.golden.ByteAssert.assertSameBytes;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every backend message against bytes PostgreSQL 15.18 sent to real clients through WireRecorder: decode gives the
 * expected record, and encoding that record gives the very same bytes. Control messages are also checked through
 * {@link ControlMessages}, the data path's decoder.
 */
class BackendGoldenTest {
    record Case(String fixture, BackendMessage expected) {
        @Override
        public String toString() {
            return fixture;
        }
    }

    static List<Case> cases() {
        var table = 16388;                                  // OID of table t in the capture cluster
        return List.of(
                new Case("AuthenticationOk-trust", AuthenticationOk.INSTANCE),
                new Case("AuthenticationMD5Password-md5", new AuthenticationMD5Password(hex("9b438ca0"))),
                new Case("AuthenticationCleartextPassword-password", AuthenticationCleartextPassword.INSTANCE),
                new Case("AuthenticationSASL-scram", new AuthenticationSASL(List.of("SCRAM-SHA-256"))),
                new Case("AuthenticationSASLContinue-scram", new AuthenticationSASLContinue(text(
                        "r=nbHHNrqsKno2cPrlD5Gz2zWDqH+XxKG1g0algKsJACoRZBoF,s=+ExUnoZ6RzKn4LERe4SomQ==,i=4096"))),
                new Case("AuthenticationSASLFinal-scram", new AuthenticationSASLFinal(text(
                        "v=HvyOQ7O/uIYaEQcqO77ln3/WLhHEU1GbIH9uL2lRENQ="))),
                new Case("AuthenticationGSS-gss", AuthenticationGSS.INSTANCE),
                new Case("ParameterStatus-application_name", new ParameterStatus("application_name", "psql")),
                new Case("BackendKeyData-psql", new BackendKeyData(7244, hex("fee9effa"))),
                new Case("ReadyForQuery-idle", new ReadyForQuery(TransactionStatus.IDLE)),
                new Case("ReadyForQuery-in-transaction", new ReadyForQuery(TransactionStatus.IN_TRANSACTION)),
                new Case("ReadyForQuery-failed", new ReadyForQuery(TransactionStatus.FAILED)),
                new Case("ErrorResponse-division-by-zero", new ErrorResponse(fields(
                        'S', "ERROR", 'V', "ERROR", 'C', "22012", 'M', "division by zero", 'F', "int.c", 'L', "869",
                        'R', "int4div"))),
                new Case("NoticeResponse-raise", new NoticeResponse(fields(
                        'S', "NOTICE", 'V', "NOTICE", 'C', "00000", 'M', "golden notice",
                        'W', "PL/pgSQL function inline_code_block line 1 at RAISE", 'F', "pl_exec.c", 'L', "3891",
                        'R', "exec_stmt_raise"))),
                // PostgreSQL sends its newest full protocol version here (PG_PROTOCOL_LATEST), 3.0 for PG 15.
                new Case("NegotiateProtocolVersion-protocol32", new NegotiateProtocolVersion(StartupCode.PROTOCOL_3_0,
                        List.of("_pq_.tidepool_test"))),
                new Case("RowDescription-select-t", new RowDescription(List.of(
                        new RowDescription.Field("id", table, 1, 23, 4, -1, 0),
                        new RowDescription.Field("name", table, 2, 25, -1, -1, 0)))),
                new Case("DataRow-select-t", DataRow.ofText("1", "one")),
                new Case("DataRow-binary", new DataRow(new byte[][] {hex("00000001"), text("one")})),
                new Case("CommandComplete-select", new CommandComplete("SELECT 3")),
                new Case("CommandComplete-copy", new CommandComplete("COPY 2")),
                new Case("EmptyQueryResponse-psql", EmptyQueryResponse.INSTANCE),
                new Case("NotificationResponse-notify", new NotificationResponse(7582, "golden", "payload")),
                new Case("ParameterDescription-int4", new ParameterDescription(new int[] {23})),
                new Case("NoData-set", NoData.INSTANCE),
                new Case("PortalSuspended-row-limit", PortalSuspended.INSTANCE),
                new Case("ParseComplete-raw", ParseComplete.INSTANCE),
                new Case("BindComplete-raw", BindComplete.INSTANCE),
                new Case("CloseComplete-raw", CloseComplete.INSTANCE),
                new Case("CopyInResponse-psql", new CopyInResponse(0, new int[] {0, 0})),
                new Case("CopyOutResponse-psql", new CopyOutResponse(0, new int[] {0, 0})),
                new Case("CopyBothResponse-pg_receivewal", new CopyBothResponse(0, new int[0])),
                new Case("CopyData-copy-out", new CopyData(text("1\tone\n"))),
                new Case("CopyDone-copy-out", CopyDone.INSTANCE),
                new Case("FunctionCallResponse-lo_creat", new FunctionCallResponse(hex("0000400b"))),
                new Case("FunctionCallResponse-lowrite", new FunctionCallResponse(hex("00000015"))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void decodesToTheExpectedRecordAndEncodesToTheSameBytes(Case c) {
        String fixture = "backend/" + c.fixture() + ".hex";
        assertThat(Golden.comments(fixture)).anySatisfy(l -> assertThat(l).contains("PostgreSQL 15"))
                .anySatisfy(l -> assertThat(l).contains("then: "));
        ByteBuf golden = Golden.load(fixture);
        assertThat(BackendMessages.decode(Frames.of(golden.duplicate()))).isEqualTo(c.expected());
        if (c.expected() instanceof ControlMessage) {
            assertThat(ControlMessages.decode(Frames.of(golden.duplicate()))).isEqualTo(c.expected());
        }
        ByteBuf encoded = Unpooled.buffer();
        c.expected().encode(encoded);
        assertSameBytes(fixture, golden, encoded);
    }

    @Test
    void everyBackendFixtureHasACase() {
        Set<String> tested = cases().stream().map(c -> "backend/" + c.fixture() + ".hex").collect(Collectors.toSet());
        assertThat(Golden.list("backend")).containsExactlyInAnyOrderElementsOf(tested);
    }

    static Fields fields(Object... codesAndValues) {
        List<Fields.Field> list = new ArrayList<>();
        for (int i = 0; i < codesAndValues.length; i += 2) {
            list.add(new Fields.Field((byte) (char) codesAndValues[i], (String) codesAndValues[i + 1]));
        }
        return new Fields(list);
    }

    static byte[] hex(String hex) {
        return HexFormat.of().parseHex(hex);
    }

    static byte[] text(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
