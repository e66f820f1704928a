package io.auditshipper.observe;

import io.auditshipper.pipeline.Pass;
import io.auditshipper.pipeline.PassPlanner;
import org.apache.camel.health.HealthCheckResultBuilder;
import org.apache.camel.impl.health.AbstractHealthCheck;

import java.util.Map;

/**
 * Readiness of the shipping itself, beside Camel's own route and context checks: DOWN while the last
 * pass could not read the source or keep its offsets, or when every exporter failed in it; the details
 * name the failing exporters (an exporter failing alone keeps the shipper ready: the others ship).
 */
public final class PassHealthCheck extends AbstractHealthCheck {

    private final PassPlanner planner;

    public PassHealthCheck(PassPlanner planner) {
        super("kestra-shipper", "passes");
        this.planner = planner;
    }

    @Override
    public boolean isLiveness() {
        // A failing source or destination is not cured by restarting the shipper.
        return false;
    }

    @Override
    protected void doCall(HealthCheckResultBuilder builder, Map<String, Object> options) {
        Pass pass = planner.lastPass();
        if (pass == null) {
            builder.detail("pass", "none yet").up();
            return;
        }
        builder.detail("lastPassStartedAt", pass.startedAt().toString());
        pass.failures().forEach((exporter, error) -> builder.detail("exporter." + exporter, error));
        if (pass.abortedBy() != null) {
            builder.message("the last pass failed: " + pass.abortedBy()).down();
        } else if (!pass.exporterIds().isEmpty() && pass.failures().size() == pass.exporterIds().size()) {
            builder.message("every exporter failed in the last pass").down();
        } else {
            builder.up();
        }
    }
}
