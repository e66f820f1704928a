package io.auditshipper.support;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * The GCS JSON API on 127.0.0.1, as the official {@code google-cloud-storage} client uses it against
 * {@code StorageOptions.newBuilder().setHost(endpoint())}: no real server can be installed here
 * (fake-gcs-server is Go). It covers bucket get/insert, multipart and resumable uploads, object get
 * (metadata and {@code alt=media}) and list; anything else is a violation.
 *
 * <p>Every request is checked as GCS does: route and method, the object metadata (name, bucket,
 * contentType, contentEncoding, md5Hash, crc32c), resumable offsets. What GCS refuses is answered with its
 * documented error JSON (400 bad metadata, 404 missing bucket, 409, 412) and recorded in
 * {@link #violations()}; what GCS accepts but is surely a client bug (a contentEncoding no HTTP client can
 * decode, gzip-labelled bytes that are not gzip) is stored as GCS would and recorded too. Missing
 * objects and preconditions that fail are normal answers, not violations.
 *
 * <p>Requests run one at a time on the server's thread; the maps are concurrent ones because a test reads
 * them from its own.
 */
public final class FakeGcsServer implements AutoCloseable {

    /** The upload request a failure is injected into. */
    public enum Upload { MULTIPART, RESUMABLE_START, RESUMABLE_PUT }

    /** An object as stored: {@code content} is the bytes as uploaded (still gzipped for gzip objects). */
    public record StoredObject(String bucket, String name, long generation, byte[] content, String contentType,
                               String contentEncoding, Map<String, String> metadata, Instant updated) {
    }

    /** One request as received, for tests that check which calls the client made. */
    public record Request(String method, String path, Map<String, String> query) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A resumable upload's chunks must be multiples of this, but for the last. */
    private static final int CHUNK_GRANULARITY = 256 * 1024;
    private static final Pattern BUCKET_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]");
    private static final Pattern MEDIA_TYPE = Pattern.compile("[\\w!#$&^.+-]+/[\\w!#$&^.+-]+(\\s*;.*)?");
    private static final Pattern CONTENT_CODING = Pattern.compile("[\\w!#$%&'*+.^`|~-]+");

    private final HttpServer server;
    private final Map<String, Instant> buckets = new ConcurrentHashMap<>();
    private final Map<String, NavigableMap<String, StoredObject>> objects = new ConcurrentHashMap<>();
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<Upload, Failure> failures = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(System.currentTimeMillis() * 1000);

    private record Failure(AtomicInteger remaining, int status) {
    }

    /** A resumable upload in progress; {@code done} is set once finalized, which later PUTs answer with. */
    private static final class Session {
        final String bucket;
        final ObjectNode metadata;
        final Map<String, String> query;
        final Long declaredLength;
        final ByteArrayOutputStream received = new ByteArrayOutputStream();
        StoredObject done;

        Session(String bucket, ObjectNode metadata, Map<String, String> query, Long declaredLength) {
            this.bucket = bucket;
            this.metadata = metadata;
            this.query = query;
            this.declaredLength = declaredLength;
        }
    }

    /** A GCS error answer; thrown by the checks, turned into the error JSON by {@link #handle}. */
    private static final class GcsError extends RuntimeException {
        final int status;
        final String reason;
        final boolean violation;

        GcsError(int status, String reason, String message, boolean violation) {
            super(message);
            this.status = status;
            this.reason = reason;
            this.violation = violation;
        }

        static GcsError invalid(String message) {
            return new GcsError(400, "invalid", message, true);
        }

        static GcsError notFound(String message) {
            return new GcsError(404, "notFound", message, false);
        }
    }

    public FakeGcsServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::handle);
        server.start();
    }

    /** For {@code StorageOptions.Builder.setHost}. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The next {@code count} requests of that upload step answer {@code status} (503, 429...) and store nothing. */
    public void failNext(Upload step, int count, int status) {
        failures.put(step, new Failure(new AtomicInteger(count), status));
    }

    public void createBucket(String name) {
        buckets.putIfAbsent(name, Instant.now());
    }

    /** The object names in the bucket, sorted as GCS lists them. */
    public List<String> objects(String bucket) {
        return List.copyOf(objects.getOrDefault(bucket, new ConcurrentSkipListMap<>()).keySet());
    }

    public StoredObject read(String bucket, String name) {
        StoredObject object = objects.getOrDefault(bucket, new ConcurrentSkipListMap<>()).get(name);
        if (object == null) {
            throw new IllegalArgumentException("no object gs://" + bucket + "/" + name);
        }
        return object;
    }

    /** Writes (or overwrites) an object straight into the bucket, as someone with access to it would. */
    public void write(String bucket, String name, byte[] content) {
        objects.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>()).put(name, new StoredObject(bucket, name,
                generations.incrementAndGet(), content, "application/x-ndjson", null, Map.of(), Instant.now()));
    }

    /** Requests GCS would refuse, or that carry metadata no reader could use; a test expects none. */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        requests.add(new Request(method, path, query));
        try {
            byte[] body = transportDecoded(exchange);
            route(exchange, method, path, query, body);
        } catch (GcsError e) {
            if (e.violation) {
                violations.add(method + " " + path + ": " + e.getMessage());
            }
            sendError(exchange, e.status, e.reason, e.getMessage());
        } catch (RuntimeException e) {
            violations.add(method + " " + path + ": " + e);
            sendError(exchange, 500, "backendError", e.toString());
        } finally {
            exchange.close();
        }
    }

    private void route(HttpExchange exchange, String method, String path, Map<String, String> query, byte[] body)
            throws IOException {
        if (path.startsWith("/upload/storage/v1/b/") && path.endsWith("/o")) {
            String bucket = decode(path.substring("/upload/storage/v1/b/".length(), path.length() - 2));
            upload(exchange, method, bucket, query, body);
        } else if (path.equals("/storage/v1/b") && method.equals("POST")) {
            insertBucket(exchange, query, body);
        } else if (method.equals("GET") && path.startsWith("/storage/v1/b/")) {
            String rest = path.substring("/storage/v1/b/".length());
            int slash = rest.indexOf('/');
            String bucket = decode(slash < 0 ? rest : rest.substring(0, slash));
            String tail = slash < 0 ? "" : rest.substring(slash);
            if (tail.isEmpty()) {
                send(exchange, 200, bucketResource(existingBucket(bucket)));
            } else if (tail.equals("/o")) {
                list(exchange, existingBucket(bucket), query);
            } else if (tail.startsWith("/o/")) {
                getObject(exchange, bucket, decode(tail.substring(3)), query);
            } else {
                throw unknownRoute(method, path);
            }
        } else if (method.equals("GET") && path.startsWith("/download/storage/v1/b/") && path.contains("/o/")
                && "media".equals(query.get("alt"))) {
            // The mediaLink form, which the client reads media through
            String rest = path.substring("/download/storage/v1/b/".length());
            getObject(exchange, decode(rest.substring(0, rest.indexOf('/'))),
                    decode(rest.substring(rest.indexOf("/o/") + 3)), query);
        } else {
            throw unknownRoute(method, path);
        }
    }

    private static GcsError unknownRoute(String method, String path) {
        return new GcsError(404, "notFound", "Not Found: no GCS JSON API call is " + method + " " + path, true);
    }

    // ---- buckets

    private void insertBucket(HttpExchange exchange, Map<String, String> query, byte[] body) throws IOException {
        if (!query.containsKey("project")) {
            throw new GcsError(400, "required", "Required parameter: project", true);
        }
        ObjectNode bucket = jsonObject(body);
        String name = bucket.path("name").asText("");
        if (!BUCKET_NAME.matcher(name).matches() || name.contains("..")) {
            throw GcsError.invalid("Invalid bucket name: '" + name + "'");
        }
        if (buckets.putIfAbsent(name, Instant.now()) != null) {
            throw new GcsError(409, "conflict",
                    "Your previous request to create the named bucket succeeded and you already own it.", false);
        }
        send(exchange, 200, bucketResource(name));
    }

    private String existingBucket(String name) {
        if (!buckets.containsKey(name)) {
            throw GcsError.notFound("The specified bucket does not exist.");
        }
        return name;
    }

    private ObjectNode bucketResource(String name) {
        ObjectNode bucket = JSON.createObjectNode();
        bucket.put("kind", "storage#bucket");
        bucket.put("id", name);
        bucket.put("selfLink", endpoint() + "/storage/v1/b/" + name);
        bucket.put("name", name);
        bucket.put("projectNumber", "0");
        bucket.put("metageneration", "1");
        bucket.put("location", "US");
        bucket.put("locationType", "multi-region");
        bucket.put("storageClass", "STANDARD");
        bucket.put("etag", "CAE=");
        bucket.put("timeCreated", rfc3339(buckets.get(name)));
        bucket.put("updated", rfc3339(buckets.get(name)));
        return bucket;
    }

    // ---- uploads

    private void upload(HttpExchange exchange, String method, String bucket, Map<String, String> query, byte[] body)
            throws IOException {
        String type = query.getOrDefault("uploadType", "");
        if (method.equals("POST") && type.equals("multipart")) {
            injectedFailure(Upload.MULTIPART);
            existingBucket(bucket);
            multipart(exchange, bucket, query, body);
        } else if (method.equals("POST") && type.equals("resumable")) {
            injectedFailure(Upload.RESUMABLE_START);
            existingBucket(bucket);
            startResumable(exchange, bucket, query, body);
        } else if (method.equals("PUT") && type.equals("resumable") && query.containsKey("upload_id")) {
            injectedFailure(Upload.RESUMABLE_PUT);
            putResumable(exchange, query.get("upload_id"), body);
        } else {
            throw GcsError.invalid("Unsupported upload: " + method + " uploadType=" + type
                    + " (the Java client sends POST multipart, POST resumable, then PUT upload_id)");
        }
    }

    private void injectedFailure(Upload step) {
        Failure failure = failures.get(step);
        if (failure != null && failure.remaining().getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw switch (failure.status()) {
                case 429 -> new GcsError(429, "rateLimitExceeded",
                        "The rate of change requests to the object exceeds the rate limit.", false);
                case 401 -> new GcsError(401, "required", "Anonymous caller does not have storage.objects.create access"
                        + " to the Google Cloud Storage object. Permission 'storage.objects.create' denied on resource"
                        + " (or it may not exist).", false);
                case 403 -> new GcsError(403, "forbidden", "audit-shipper@my-project.iam.gserviceaccount.com does not have"
                        + " storage.objects.create access to the Google Cloud Storage object. Permission"
                        + " 'storage.objects.create' denied on resource (or it may not exist).", false);
                default -> new GcsError(failure.status(), "backendError", "Backend Error", false);
            };
        }
    }

    private void multipart(HttpExchange exchange, String bucket, Map<String, String> query, byte[] body)
            throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        List<Part> parts = multipartParts(contentType, body);
        if (parts.size() != 2) {
            throw GcsError.invalid("A multipart upload has 2 parts (metadata, media), not " + parts.size());
        }
        if (!parts.get(0).contentType().startsWith("application/json")) {
            throw GcsError.invalid("The first part must be the JSON metadata, not " + parts.get(0).contentType());
        }
        ObjectNode metadata = jsonObject(parts.get(0).body());
        checkMetadata(bucket, metadata, query);
        StoredObject object = store(bucket, metadata, query, parts.get(1).contentType(), parts.get(1).body(),
                exchange.getRequestHeaders().getFirst("X-Goog-Hash"));
        send(exchange, 200, objectResource(object));
    }

    private void startResumable(HttpExchange exchange, String bucket, Map<String, String> query, byte[] body)
            throws IOException {
        ObjectNode metadata = body.length == 0 ? JSON.createObjectNode() : jsonObject(body);
        checkMetadata(bucket, metadata, query);
        String declared = exchange.getRequestHeaders().getFirst("X-Upload-Content-Length");
        String uploadContentType = exchange.getRequestHeaders().getFirst("X-Upload-Content-Type");
        if (uploadContentType != null && !metadata.hasNonNull("contentType")) {
            metadata.put("contentType", uploadContentType);
        }
        String id = UUID.randomUUID().toString();
        sessions.put(id, new Session(bucket, metadata, query, declared == null ? null : Long.parseLong(declared)));
        exchange.getResponseHeaders().add("Location", endpoint() + "/upload/storage/v1/b/" + encode(bucket)
                + "/o?uploadType=resumable&upload_id=" + id);
        sendEmpty(exchange, 200);
    }

    private void putResumable(HttpExchange exchange, String id, byte[] body) throws IOException {
        Session session = sessions.get(id);
        if (session == null) {
            throw GcsError.notFound("No such upload session: " + id);
        }
        if (session.done != null) {
            send(exchange, 200, objectResource(session.done));
            return;
        }
        ContentRange range = ContentRange.parse(exchange.getRequestHeaders().getFirst("Content-Range"), body.length);
        long committed = session.received.size();
        if (range.first() != null) {
            if (range.first() > committed) {
                throw GcsError.invalid("According to the Content-Range header, the upload offset is " + range.first()
                        + " byte(s), which exceeds already uploaded size of " + committed + " byte(s).");
            }
            // A resent chunk (its answer was lost): GCS keeps what it has and takes only the new bytes.
            int skip = (int) Math.min(body.length, committed - range.first());
            session.received.write(body, skip, body.length - skip);
        }
        long received = session.received.size();
        if (range.total() == null) {
            if (range.first() != null && received % CHUNK_GRANULARITY != 0) {
                violations.add("PUT resumable " + id + ": a chunk ended at " + received
                        + ", not a multiple of 256 KiB, and was not the last one");
            }
            if (received > 0) {
                exchange.getResponseHeaders().add("Range", "bytes=0-" + (received - 1));
            }
            sendEmpty(exchange, 308);
            return;
        }
        if (received != range.total()) {
            throw GcsError.invalid("The upload was finalized at " + range.total() + " bytes but " + received
                    + " were received");
        }
        if (session.declaredLength != null && session.declaredLength != received) {
            throw GcsError.invalid("X-Upload-Content-Length said " + session.declaredLength + " bytes, got "
                    + received);
        }
        session.done = store(session.bucket, session.metadata, session.query,
                session.metadata.path("contentType").asText(null), session.received.toByteArray(),
                exchange.getRequestHeaders().getFirst("X-Goog-Hash"));
        send(exchange, 200, objectResource(session.done));
    }

    private void checkMetadata(String bucket, ObjectNode metadata, Map<String, String> query) {
        // The name parameter overrides the metadata's, as documented for objects.insert.
        String name = query.getOrDefault("name", metadata.path("name").asText(""));
        if (name.isEmpty()) {
            throw new GcsError(400, "required", "Required: object name", true);
        }
        if (name.getBytes(StandardCharsets.UTF_8).length > 1024 || name.contains("\r") || name.contains("\n")
                || name.equals(".") || name.equals("..")) {
            throw GcsError.invalid("Invalid object name: " + name);
        }
        metadata.put("name", name);
        if (metadata.hasNonNull("bucket") && !metadata.get("bucket").asText().equals(bucket)) {
            throw GcsError.invalid("The metadata's bucket " + metadata.get("bucket").asText()
                    + " is not the bucket of the URL, " + bucket);
        }
        if (metadata.hasNonNull("contentType") && !MEDIA_TYPE.matcher(metadata.get("contentType").asText()).matches()) {
            throw GcsError.invalid("Invalid contentType: " + metadata.get("contentType").asText());
        }
        if (metadata.hasNonNull("contentEncoding")
                && !CONTENT_CODING.matcher(metadata.get("contentEncoding").asText()).matches()) {
            violations.add("object " + name + ": contentEncoding '" + metadata.get("contentEncoding").asText()
                    + "' is no HTTP content-coding (GCS stores it, then every download carries it)");
        }
        metadata.path("metadata").fields().forEachRemaining(e -> {
            if (!e.getValue().isTextual()) {
                throw GcsError.invalid("Custom metadata values are strings: " + e.getKey());
            }
        });
    }

    /** Checks the content against the (checked) metadata's hashes, then stores it as a new generation. */
    private StoredObject store(String bucket, ObjectNode metadata, Map<String, String> query, String mediaType,
                               byte[] content, String googHash) {
        String md5 = base64(md5(content));
        String crc32c = base64(crc32c(content));
        checkHash("MD5", metadata.path("md5Hash").asText(null), md5);
        checkHash("CRC32C", metadata.path("crc32c").asText(null), crc32c);
        if (googHash != null) {
            for (String hash : googHash.split(",")) {
                String[] kv = hash.trim().split("=", 2);
                checkHash(kv[0].toUpperCase(), kv[1], kv[0].equalsIgnoreCase("md5") ? md5 : crc32c);
            }
        }
        String name = metadata.get("name").asText();
        String contentEncoding = metadata.path("contentEncoding").asText(null);
        if ("gzip".equals(contentEncoding) && !isGzip(content)) {
            violations.add("object " + name + ": contentEncoding gzip but the bytes are not gzip"
                    + " (GCS's decompressive transcoding would fail on download)");
        }
        NavigableMap<String, StoredObject> bucketObjects =
                objects.computeIfAbsent(bucket, b -> new ConcurrentSkipListMap<>());
        checkPrecondition(query, bucketObjects.get(name));
        String contentType = metadata.path("contentType").asText(mediaType == null ? "application/octet-stream"
                : mediaType);
        Map<String, String> custom = new LinkedHashMap<>();
        metadata.path("metadata").fields().forEachRemaining(e -> custom.put(e.getKey(), e.getValue().asText()));
        StoredObject object = new StoredObject(bucket, name, generations.incrementAndGet(), content, contentType,
                contentEncoding, Map.copyOf(custom), Instant.now());
        bucketObjects.put(name, object);
        return object;
    }

    private static void checkHash(String algorithm, String sent, String computed) {
        if (sent != null && !sent.equals(computed)) {
            throw GcsError.invalid("Provided " + algorithm + " hash \"" + sent + "\" doesn't match calculated "
                    + algorithm + " hash \"" + computed + "\".");
        }
    }

    private static void checkPrecondition(Map<String, String> query, StoredObject existing) {
        String match = query.get("ifGenerationMatch");
        if (match != null && Long.parseLong(match) != (existing == null ? 0 : existing.generation())) {
            throw new GcsError(412, "conditionNotMet", "At least one of the pre-conditions you specified did not hold.",
                    false);
        }
    }

    // ---- reads

    private void getObject(HttpExchange exchange, String bucket, String name, Map<String, String> query)
            throws IOException {
        existingBucket(bucket);
        StoredObject object = objects.getOrDefault(bucket, new ConcurrentSkipListMap<>()).get(name);
        if (object == null || (query.containsKey("generation")
                && Long.parseLong(query.get("generation")) != object.generation())) {
            throw GcsError.notFound("No such object: " + bucket + "/" + name);
        }
        if (!"media".equals(query.get("alt"))) {
            send(exchange, 200, objectResource(object));
            return;
        }
        byte[] content = object.content();
        var headers = exchange.getResponseHeaders();
        String acceptEncoding = exchange.getRequestHeaders().getFirst("Accept-Encoding");
        if ("gzip".equals(object.contentEncoding()) && isGzip(content)) {
            if (acceptEncoding != null && acceptEncoding.contains("gzip")) {
                headers.add("Content-Encoding", "gzip");
            } else {
                // GCS's decompressive transcoding, for clients that do not take gzip.
                content = gunzip(content);
                headers.add("Warning", "214 UploadServer gunzipped");
            }
        }
        headers.add("Content-Type", object.contentType());
        headers.add("ETag", "\"" + base64(md5(object.content())) + "\"");
        headers.add("x-goog-generation", Long.toString(object.generation()));
        headers.add("x-goog-metageneration", "1");
        headers.add("x-goog-stored-content-encoding",
                object.contentEncoding() == null ? "identity" : object.contentEncoding());
        headers.add("x-goog-stored-content-length", Integer.toString(object.content().length));
        headers.add("x-goog-hash", "crc32c=" + base64(crc32c(object.content())) + ",md5="
                + base64(md5(object.content())));
        String range = exchange.getRequestHeaders().getFirst("Range");
        int status = 200;
        if (range != null && range.startsWith("bytes=")) {
            String[] bounds = range.substring(6).split("-", 2);
            int first = Integer.parseInt(bounds[0]);
            int last = Math.min(bounds[1].isEmpty() ? Integer.MAX_VALUE : Integer.parseInt(bounds[1]),
                    content.length - 1);
            if (first >= content.length && content.length > 0) {
                throw new GcsError(416, "requestedRangeNotSatisfiable", "Request range not satisfiable", false);
            }
            if (first < content.length) {
                headers.add("Content-Range", "bytes " + first + "-" + last + "/" + content.length);
                content = Arrays.copyOfRange(content, first, last + 1);
                status = 206;
            }
        }
        exchange.sendResponseHeaders(status, content.length == 0 ? -1 : content.length);
        exchange.getResponseBody().write(content);
    }

    private void list(HttpExchange exchange, String bucket, Map<String, String> query) throws IOException {
        String prefix = query.getOrDefault("prefix", "");
        String delimiter = query.get("delimiter");
        int max = Integer.parseInt(query.getOrDefault("maxResults", "1000"));
        NavigableMap<String, StoredObject> all = objects.getOrDefault(bucket, new ConcurrentSkipListMap<>());
        String after = query.containsKey("pageToken")
                ? new String(Base64.getDecoder().decode(query.get("pageToken")), StandardCharsets.UTF_8) : null;
        List<StoredObject> items = new ArrayList<>();
        TreeSet<String> prefixes = new TreeSet<>();
        String last = null;
        for (StoredObject object : (after == null ? all : all.tailMap(after, false)).values()) {
            if (!object.name().startsWith(prefix)) {
                continue;
            }
            if (items.size() + prefixes.size() == max) {
                break;
            }
            int cut = delimiter == null ? -1 : object.name().indexOf(delimiter, prefix.length());
            if (cut >= 0) {
                prefixes.add(object.name().substring(0, cut + delimiter.length()));
            } else {
                items.add(object);
            }
            last = object.name();
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("kind", "storage#objects");
        items.forEach(object -> answer.withArray("items").add(objectResource(object)));
        prefixes.forEach(p -> answer.withArray("prefixes").add(p));
        if (last != null && all.higherKey(last) != null && items.size() + prefixes.size() == max) {
            answer.put("nextPageToken", base64(last.getBytes(StandardCharsets.UTF_8)));
        }
        send(exchange, 200, answer);
    }

    private ObjectNode objectResource(StoredObject object) {
        String path = "/b/" + encode(object.bucket()) + "/o/" + encode(object.name());
        ObjectNode resource = JSON.createObjectNode();
        resource.put("kind", "storage#object");
        resource.put("id", object.bucket() + "/" + object.name() + "/" + object.generation());
        resource.put("selfLink", endpoint() + "/storage/v1" + path);
        resource.put("mediaLink", endpoint() + "/download/storage/v1" + path + "?generation=" + object.generation()
                + "&alt=media");
        resource.put("name", object.name());
        resource.put("bucket", object.bucket());
        // int64 fields are JSON strings in the GCS JSON API.
        resource.put("generation", Long.toString(object.generation()));
        resource.put("metageneration", "1");
        resource.put("contentType", object.contentType());
        if (object.contentEncoding() != null) {
            resource.put("contentEncoding", object.contentEncoding());
        }
        resource.put("storageClass", "STANDARD");
        resource.put("size", Integer.toString(object.content().length));
        resource.put("md5Hash", base64(md5(object.content())));
        resource.put("crc32c", base64(crc32c(object.content())));
        resource.put("etag", base64(Long.toString(object.generation()).getBytes(StandardCharsets.UTF_8)));
        resource.put("timeCreated", rfc3339(object.updated()));
        resource.put("updated", rfc3339(object.updated()));
        if (!object.metadata().isEmpty()) {
            object.metadata().forEach((k, v) -> resource.with("metadata").put(k, v));
        }
        return resource;
    }

    // ---- HTTP plumbing

    /** The body as the client meant it: the Java client gzips request bodies (HTTP transport encoding). */
    private static byte[] transportDecoded(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding")) ? gunzip(body) : body;
    }

    private static void send(HttpExchange exchange, int status, JsonNode json) throws IOException {
        byte[] body = JSON.writeValueAsBytes(json);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    private static void sendEmpty(HttpExchange exchange, int status) throws IOException {
        exchange.sendResponseHeaders(status, -1);
    }

    /** GCS's error shape: {"error": {"code", "message", "errors": [{"domain", "reason", "message"}]}}. */
    private static void sendError(HttpExchange exchange, int status, String reason, String message) throws IOException {
        ObjectNode error = JSON.createObjectNode();
        ObjectNode inner = error.putObject("error");
        inner.put("code", status);
        inner.put("message", message);
        ObjectNode detail = inner.putArray("errors").addObject();
        detail.put("message", message);
        detail.put("domain", "global");
        detail.put("reason", reason);
        send(exchange, status, error);
    }

    private static ObjectNode jsonObject(byte[] body) {
        try {
            JsonNode node = JSON.readTree(body);
            if (node instanceof ObjectNode object) {
                return object;
            }
        } catch (JsonProcessingException e) {
            // answered below, like any body that is not a JSON object
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new GcsError(400, "parseError", "Parse Error: the body is not a JSON object", true);
    }

    private record Part(String contentType, byte[] body) {
    }

    /** The parts of a multipart/related body (RFC 2046): headers, a blank line, then the bytes. */
    private static List<Part> multipartParts(String contentType, byte[] body) {
        if (contentType == null || !contentType.startsWith("multipart/related")) {
            throw GcsError.invalid("A multipart upload is multipart/related, not " + contentType);
        }
        var boundaryMatch = Pattern.compile("boundary=\"?([^\";]+)\"?").matcher(contentType);
        if (!boundaryMatch.find()) {
            throw GcsError.invalid("multipart/related without a boundary");
        }
        byte[] delimiter = ("\r\n--" + boundaryMatch.group(1)).getBytes(StandardCharsets.ISO_8859_1);
        byte[] data = ByteBuffer.allocate(body.length + 2).put("\r\n".getBytes(StandardCharsets.ISO_8859_1))
                .put(body).array();
        List<Part> parts = new ArrayList<>();
        int at = indexOf(data, delimiter, 0);
        while (at >= 0) {
            int start = at + delimiter.length;
            if (start + 1 < data.length && data[start] == '-' && data[start + 1] == '-') {
                return parts;
            }
            int next = indexOf(data, delimiter, start);
            if (next < 0) {
                break;
            }
            String raw = new String(data, start, next - start, StandardCharsets.ISO_8859_1);
            int blank = raw.indexOf("\r\n\r\n");
            if (blank < 0) {
                throw GcsError.invalid("A multipart part without a blank line after its headers");
            }
            String partType = "";
            for (String header : raw.substring(0, blank).split("\r\n")) {
                if (header.toLowerCase().startsWith("content-type:")) {
                    partType = header.substring("content-type:".length()).trim();
                }
            }
            int bodyStart = start + blank + 4;
            parts.add(new Part(partType, Arrays.copyOfRange(data, bodyStart, next)));
            at = next;
        }
        throw GcsError.invalid("multipart/related body without its closing boundary");
    }

    private static int indexOf(byte[] data, byte[] needle, int from) {
        outer:
        for (int i = from; i <= data.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** Content-Range of a resumable PUT: "bytes a-b/total", "bytes a-b/*", "bytes *&#47;total", "bytes *&#47;*". */
    private record ContentRange(Long first, Long total) {
        static ContentRange parse(String header, int bodyLength) {
            if (header == null) {
                return new ContentRange(0L, (long) bodyLength);
            }
            var m = Pattern.compile("bytes (\\*|(\\d+)-(\\d+))/(\\*|\\d+)").matcher(header.trim());
            if (!m.matches()) {
                throw GcsError.invalid("Invalid Content-Range: " + header);
            }
            Long total = m.group(4).equals("*") ? null : Long.parseLong(m.group(4));
            if (m.group(2) == null) {
                if (bodyLength > 0) {
                    throw GcsError.invalid("Content-Range " + header + " with a body of " + bodyLength + " bytes");
                }
                return new ContentRange(null, total);
            }
            long first = Long.parseLong(m.group(2));
            if (Long.parseLong(m.group(3)) - first + 1 != bodyLength) {
                throw GcsError.invalid("Content-Range " + header + " but the body has " + bodyLength + " bytes");
            }
            return new ContentRange(first, total);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                String[] kv = pair.split("=", 2);
                query.put(URLDecoder.decode(kv[0], StandardCharsets.UTF_8),
                        kv.length < 2 ? "" : URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    /** Percent-decoding of a path segment: a '+' there is a plus, not a space. */
    private static String decode(String segment) {
        return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static String rfc3339(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    private static byte[] md5(byte[] content) {
        try {
            return MessageDigest.getInstance("MD5").digest(content);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** CRC32C as GCS gives it: the 4 bytes big-endian. */
    private static byte[] crc32c(byte[] content) {
        CRC32C crc = new CRC32C();
        crc.update(content);
        return ByteBuffer.allocate(4).putInt((int) crc.getValue()).array();
    }

    private static boolean isGzip(byte[] content) {
        return content.length >= 2 && (content[0] & 0xff) == 0x1f && (content[1] & 0xff) == 0x8b;
    }

    private static byte[] gunzip(byte[] gzipped) {
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzipped))) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw GcsError.invalid("Content-Encoding gzip but the body is not gzip: " + e.getMessage());
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
