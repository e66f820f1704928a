package io.auditshipper;

import io.auditshipper.config.ConfigException;
import io.auditshipper.storage.IoReasons;
import org.apache.camel.CamelContext;
import org.apache.camel.LineNumberAware;
import org.apache.camel.model.EndpointRequiredDefinition;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.OptionalIdentifiedDefinition;
import org.apache.camel.model.ProcessorDefinitionHelper;
import org.apache.camel.model.RouteConfigurationDefinition;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.model.RouteTemplateDefinition;
import org.apache.camel.spi.Resource;
import org.apache.camel.spi.ResourceAware;
import org.apache.camel.support.PluginHelper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The Camel route files a user adds ({@code --routes DIR}): every {@code *.yaml} in DIR, loaded after the
 * shipper's own routes, never replacing one. A file that does not load, names a component this jar does not
 * hold, or reuses an id of the shipper's routes stops the start (exit 2), naming the file and, where Camel
 * knows it, the line.
 */
public final class UserRoutes {

    static final UserRoutes NONE = new UserRoutes(List.of());

    private final List<Path> files;

    private UserRoutes(List<Path> files) {
        this.files = files;
    }

    /** The route files in {@code directory}, in name order. */
    public static UserRoutes in(Path directory) {
        if (!Files.isDirectory(directory)) {
            throw new ConfigException("--routes: " + directory + " is not a directory of Camel YAML route files");
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return new UserRoutes(entries.filter(f -> f.getFileName().toString().endsWith(".yaml")).sorted().toList());
        } catch (IOException e) {
            throw new ConfigException("--routes: cannot read " + directory + ": " + IoReasons.of(e));
        }
    }

    List<Path> files() {
        return files;
    }

    /** Loads each file into {@code context}, which already holds the shipper's routes. */
    void addTo(CamelContext context) {
        ModelCamelContext model = (ModelCamelContext) context;
        for (Path file : files) {
            Set<String> routeIds = ids(model.getRouteDefinitions(), RouteDefinition::getId);
            Set<String> templateIds = ids(model.getRouteTemplateDefinitions(), RouteTemplateDefinition::getId);
            Set<String> configurationIds = ids(model.getRouteConfigurationDefinitions(), RouteConfigurationDefinition::getId);
            Resource resource = PluginHelper.getResourceLoader(context).resolveResource("file:" + file.toAbsolutePath());
            try {
                PluginHelper.getRoutesLoader(context).loadRoutes(resource);
            } catch (Exception e) {
                throw new ConfigException("--routes: " + file + ": " + reason(e));
            }
            List<String> problems = new ArrayList<>();
            for (RouteDefinition route : from(resource, model.getRouteDefinitions())) {
                clash(file, route, "route", routeIds, problems);
                endpoints(context, file, route, problems);
            }
            from(resource, model.getRouteTemplateDefinitions()).forEach(t -> clash(file, t, "route template", templateIds, problems));
            from(resource, model.getRouteConfigurationDefinitions())
                    .forEach(c -> clash(file, c, "route configuration", configurationIds, problems));
            if (!problems.isEmpty()) {
                throw new ConfigException(problems);
            }
        }
    }

    private static <T> Set<String> ids(List<T> definitions, Function<T, String> id) {
        return definitions.stream().map(id).collect(Collectors.toSet());
    }

    /** The definitions {@code resource} added. */
    private static <T extends ResourceAware> List<T> from(Resource resource, List<T> definitions) {
        return definitions.stream().filter(d -> d.getResource() != null
                && d.getResource().getLocation().equals(resource.getLocation())).toList();
    }

    private static void clash(Path file, OptionalIdentifiedDefinition<?> definition, String kind, Set<String> taken,
                              List<String> problems) {
        String id = definition.getId();
        if (taken.contains(id)) {
            problems.add("--routes: " + at(file, definition) + ": " + kind + " id '" + id
                    + "' is already one of the shipper's; give yours another id");
        }
    }

    /** Every endpoint the route names must have its component in the jar (Camel would say so only at start). */
    private static void endpoints(CamelContext context, Path file, RouteDefinition route, List<String> problems) {
        List<EndpointRequiredDefinition> endpoints = new ArrayList<>();
        endpoints.add(route.getInput());
        endpoints.addAll(ProcessorDefinitionHelper.filterTypeInOutputs(route.getOutputs(), EndpointRequiredDefinition.class));
        for (EndpointRequiredDefinition endpoint : endpoints) {
            String uri = endpoint.getEndpointUri();
            int colon = uri == null ? -1 : uri.indexOf(':');
            if (colon > 0 && !uri.startsWith("{{") && context.getComponent(uri.substring(0, colon)) == null) {
                problems.add("--routes: " + at(file, endpoint instanceof OptionalIdentifiedDefinition<?> node ? node : route) + ": route '"
                        + route.getId() + "': no Camel component '" + uri.substring(0, colon) + "' in this jar");
            }
        }
    }

    private static String at(Path file, LineNumberAware definition) {
        return file + (definition.getLineNumber() > 0 ? ":" + definition.getLineNumber() : "");
    }

    private static String reason(Throwable e) {
        StringBuilder out = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            if (cause.getMessage() != null && !out.toString().contains(cause.getMessage())) {
                out.append(": ").append(cause.getMessage());
            }
        }
        return out.toString();
    }
}
