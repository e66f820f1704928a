package io.auditshipper.exporter.syslog;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A throwaway CA and a server certificate for 127.0.0.1 it signed, made with the JDK's keytool: PEM files for
 * rsyslog's gtls driver (CA, certificate, PKCS#8 key) and a PKCS12 trust store holding the CA for the exporter.
 */
public record TestCa(Path caPem, Path certPem, Path keyPem, Path trustStore) {

    static final String PASSWORD = "changeit";

    public static TestCa create(Path dir) throws Exception {
        Files.createDirectories(dir);
        Path ca = dir.resolve("ca.p12");
        Path server = dir.resolve("server.p12");
        keytool("-genkeypair", "-alias", "ca", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=Audit Shipper Test CA", "-ext", "bc:c", "-keystore", ca.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-keystore", server.toString(), "-storetype", "PKCS12",
                "-storepass", PASSWORD, "-keypass", PASSWORD);
        Path csr = dir.resolve("server.csr");
        keytool("-certreq", "-alias", "server", "-keystore", server.toString(), "-storepass", PASSWORD, "-file", csr.toString());
        Path cert = dir.resolve("server.pem");
        keytool("-gencert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-infile", csr.toString(),
                "-outfile", cert.toString(), "-rfc", "-validity", "2", "-ext", "SAN=ip:127.0.0.1",
                "-ext", "KU=digitalSignature,keyEncipherment", "-ext", "EKU=serverAuth");
        Path caPem = dir.resolve("ca.pem");
        keytool("-exportcert", "-alias", "ca", "-keystore", ca.toString(), "-storepass", PASSWORD, "-rfc", "-file", caPem.toString());
        Path trust = dir.resolve("trust.p12");
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", caPem.toString(), "-keystore", trust.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(server)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Key key = store.getKey("server", PASSWORD.toCharArray());
        Path keyPem = dir.resolve("server.key");
        Files.writeString(keyPem, "-----BEGIN PRIVATE KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                + "\n-----END PRIVATE KEY-----\n");
        return new TestCa(caPem, cert, keyPem, trust);
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process keytool = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor()).as(output).isZero();
    }
}
