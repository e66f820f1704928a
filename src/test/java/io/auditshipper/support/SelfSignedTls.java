package io.auditshipper.support;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;

import static org.assertj.core.api.Assertions.assertThat;

/** A throwaway self-signed certificate for 127.0.0.1, for test servers that speak TLS. */
public final class SelfSignedTls {

    private static final String PASSWORD = "changeit";

    private SelfSignedTls() {
    }

    /** A PKCS12 key store (password {@code changeit}) holding a new certificate, made with the JDK's keytool. */
    public static Path keystore(String name) {
        try {
            Path keystore = Files.createTempDirectory(name + "-tls").resolve(name + ".p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", name, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-keystore", keystore.toString(),
                    "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD).inheritIO().start();
            assertThat(keytool.waitFor()).isZero();
            return keystore;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Makes this JVM's default trust store the given key store: call it before anything in the JVM uses TLS. */
    public static void trustInThisJvm(Path keystore) {
        System.setProperty("javax.net.ssl.trustStore", keystore.toString());
        System.setProperty("javax.net.ssl.trustStorePassword", PASSWORD);
        System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
    }

    /** A server-side TLS context presenting the key store's certificate. */
    public static SSLContext serverContext(Path keystore) {
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext tls = SSLContext.getInstance("TLS");
            tls.init(keys.getKeyManagers(), null, null);
            return tls;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
