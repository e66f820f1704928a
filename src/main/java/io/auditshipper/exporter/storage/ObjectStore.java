package io.auditshipper.exporter.storage;

import io.auditshipper.exporter.integrity.StoredObjects;
import org.apache.camel.CamelContext;

import java.util.Map;

/**
 * One object store reached through its Camel component: the endpoint to send an object to, and the
 * component's headers that name it, and, for the manifest chain ({@code tamperEvident}), listing and reading
 * through the vendor's client. A new store is this small file plus its client settings.
 */
public interface ObjectStore extends StoredObjects {

    /** Binds what the endpoint refers to (the vendor's client) in the Camel registry. */
    void bind(CamelContext context);

    String endpointUri();

    Map<String, Object> headers(StoredObject object);

    /** For the startup summary, without credentials. */
    String describe();

    /** The HTTP status in one exception of a failed upload's causes, when it is the store's answer; else -1. */
    int status(Throwable failure);

    /** The exporter's properties that give its credentials, named in the error when the store refuses them. */
    String credentialProperties();

    /** What is written: the object's name, its bytes' length and media type. */
    record StoredObject(String name, long length, String contentType) {
    }
}
