package io.auditshipper.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves the two Pebble expressions a pasted Kestra task uses: {@code {{ secret('NAME') }}} from the
 * environment variable NAME or the file NAME in the secrets directory (how Kubernetes mounts a Secret),
 * and {@code {{ vars.name }}} from the flow's {@code variables}. Resolved secret values are remembered
 * by {@link SecretRedactor} so that they never reach a log line.
 */
final class TemplateResolver {

    private static final Pattern EXPRESSION = Pattern.compile("\\{\\{\\s*(.*?)\\s*}}");
    private static final Pattern SECRET = Pattern.compile("secret\\(\\s*['\"]([^'\"]+)['\"]\\s*\\)");
    private static final Pattern VARIABLE = Pattern.compile("vars\\.([A-Za-z0-9_.-]+)");

    private final Function<String, String> environment;
    private final Path secretsDirectory;
    private final Map<String, Object> variables;
    private final List<String> problems;

    TemplateResolver(Function<String, String> environment, Path secretsDirectory,
                     Map<String, Object> variables, List<String> problems) {
        this.environment = environment;
        this.secretsDirectory = secretsDirectory;
        this.variables = variables;
        this.problems = problems;
    }

    /** The value with every expression replaced; an expression that cannot be resolved is a problem. */
    String resolve(String value, String property) {
        Matcher matcher = EXPRESSION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(evaluate(matcher.group(1), property)));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private String evaluate(String expression, String property) {
        Matcher secret = SECRET.matcher(expression);
        if (secret.matches()) {
            return secret(secret.group(1), property);
        }
        Matcher variable = VARIABLE.matcher(expression);
        if (variable.matches()) {
            return variable(variable.group(1), property);
        }
        problems.add(property + ": unsupported expression '{{ " + expression + " }}'; only {{ secret('NAME') }} and"
                + " {{ vars.name }} are resolved by the shipper: write the value itself");
        return "";
    }

    private String secret(String name, String property) {
        String value = environment.apply(name);
        if (value == null) {
            Path file = secretsDirectory.resolve(name);
            if (Files.isRegularFile(file)) {
                try {
                    value = Files.readString(file, StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    problems.add(property + ": secret '" + name + "' could not be read from " + file + ": " + e.getMessage());
                    return "";
                }
            }
        }
        if (value == null) {
            problems.add(property + ": secret '" + name + "' is not set; export the environment variable " + name
                    + " or write it to the file " + secretsDirectory.resolve(name));
            return "";
        }
        SecretRedactor.register(value);
        return value;
    }

    private String variable(String path, String property) {
        Object current = variables;
        for (String part : path.split("\\.")) {
            if (!(current instanceof Map<?, ?> map) || !map.containsKey(part)) {
                problems.add(property + ": flow variable 'vars." + path + "' is not defined; add it under the"
                        + " flow's 'variables:' (e.g. variables: {" + part + ": ...})");
                return "";
            }
            current = map.get(part);
        }
        return String.valueOf(current);
    }
}
