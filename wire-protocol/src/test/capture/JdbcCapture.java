import java.io.*;
import java.sql.*;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

/** Drives pgjdbc through the recorder: extended protocol, fetch size (PortalSuspended), metadata, CopyFail. */
public class JdbcCapture {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String scenario = args[1];
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("sslmode", "disable");
        p.setProperty("gssEncMode", "disable");
        p.setProperty("prepareThreshold", "1");
        if (scenario.equals("gssenc")) {
            p.setProperty("gssEncMode", "require");
            try (Connection c = DriverManager.getConnection(url, p)) { } catch (SQLException e) { System.out.println(e); }
            return;
        }
        try (Connection c = DriverManager.getConnection(url, p)) {
            switch (scenario) {
                case "extended" -> {
                    try (PreparedStatement ps = c.prepareStatement("select id, name from t where id = ?")) {
                        ps.setInt(1, 2);
                        try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { } }
                    }
                    try (PreparedStatement ps = c.prepareStatement("update t set name = name where id = ?")) {
                        ps.setInt(1, 1);
                        ps.getParameterMetaData();
                        ps.executeUpdate();
                    }
                    try (Statement s = c.createStatement()) { s.execute("select 1"); }
                }
                case "fetch" -> {
                    c.setAutoCommit(false);
                    try (PreparedStatement ps = c.prepareStatement("select id, name from t order by id")) {
                        ps.setFetchSize(2);
                        try (ResultSet rs = ps.executeQuery()) { while (rs.next()) { } }
                    }
                    c.commit();
                }
                case "copyfail" -> {
                    CopyManager cm = c.unwrap(PGConnection.class).getCopyAPI();
                    try {
                        cm.copyIn("copy t from stdin", new Reader() {
                            boolean sent;
                            public int read(char[] b, int o, int l) throws IOException {
                                if (!sent) { sent = true; String s = "9\tnine\n"; s.getChars(0, s.length(), b, o); return s.length(); }
                                throw new IOException("simulated read failure");
                            }
                            public void close() { }
                        });
                    } catch (Exception e) { System.out.println(e); }
                }
                default -> throw new IllegalArgumentException(scenario);
            }
        }
    }
}
