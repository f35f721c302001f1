package io.gonetpoll.benchmarks.suite;

import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Draws the report's bar charts as PNG files with XChart (headless). */
final class ChartWriter {
    private static final int WIDTH = 1000;
    private static final int HEIGHT = 520;

    private final Path dir;
    private final Results results;
    private final List<String> written = new ArrayList<>();

    ChartWriter(Path dir, Results results) {
        this.dir = dir;
        this.results = results;
        System.setProperty("java.awt.headless", "true");
    }

    /** File names (relative to the report) of the charts written so far. */
    List<String> written() {
        return written;
    }

    /** Median rate of every scenario relative to epoll's, one bar group per scenario. */
    String overview() throws IOException {
        return relativeToEpoll("overview", "Throughput relative to Netty epoll (median; higher is better)",
                s -> s.load.rate);
    }

    /** Median server CPU per operation relative to epoll's. */
    String serverCpu() throws IOException {
        return relativeToEpoll("server-cpu", "Server CPU per operation relative to Netty epoll (median; lower is "
                + "better)", Sample::serverCpuMicrosPerOperation);
    }

    /** Every run of one scenario, so the spread is visible next to the median in the table. */
    String scenario(Scenario scenario, int runs) throws IOException {
        CategoryChart chart = chart(scenario.title, "transport", scenario.unit);
        for (int run = 1; run <= runs; run++) {
            List<Double> values = new ArrayList<>();
            for (String transport : SuiteSettings.TRANSPORTS) {
                int r = run;
                values.add(orZero(results.of(scenario, transport).stream().filter(s -> s.run == r)
                        .mapToDouble(s -> s.load.rate).findFirst().orElse(Double.NaN)));
            }
            chart.addSeries("run " + run, SuiteSettings.TRANSPORTS, values);
        }
        return save(chart, "scenario-" + scenario.id);
    }

    /**
     * Syscalls per operation in one scenario's traced run, one chart per scenario: per-MB and per-request
     * counts differ by orders of magnitude (and XChart's bar charts cannot use a log axis).
     */
    String syscalls(Scenario scenario) throws IOException {
        CategoryChart chart = chart("Server syscalls per " + scenario.operation + " under strace, " + scenario.id
                + " (all threads; lower is better)", "transport", "syscalls per " + scenario.operation);
        List<Double> all = new ArrayList<>();
        List<Double> epollCtl = new ArrayList<>();
        for (String transport : SuiteSettings.TRANSPORTS) {
            SyscallSample sample = results.syscalls.stream().filter(x -> x.scenario == scenario
                    && x.transport.equals(transport)).findFirst().orElse(null);
            all.add(sample == null ? 0 : orZero(sample.perOperation(sample.summary.total)));
            epollCtl.add(sample == null ? 0 : orZero(sample.perOperation(sample.summary.calls("epoll_ctl"))));
        }
        chart.addSeries("all syscalls", SuiteSettings.TRANSPORTS, all);
        chart.addSeries("epoll_ctl", SuiteSettings.TRANSPORTS, epollCtl);
        return save(chart, "syscalls-" + scenario.id);
    }

    /** Scenario g: one chart of a figure per timeout variant, one bar per run. */
    String idle(String name, String title, String yTitle, ToDoubleFunction<IdleSample> figure, int runs)
            throws IOException {
        CategoryChart chart = chart(title, "variant", yTitle);
        for (int run = 1; run <= runs; run++) {
            List<Double> values = new ArrayList<>();
            for (String variant : IdleTimeoutRunner.VARIANTS) {
                int r = run;
                values.add(orZero(results.idle.stream().filter(s -> s.run == r && s.variant.equals(variant))
                        .mapToDouble(figure).findFirst().orElse(Double.NaN)));
            }
            chart.addSeries("run " + run, IdleTimeoutRunner.VARIANTS, values);
        }
        return save(chart, name);
    }

    /** Scenario h: one figure of one measure per wait-strategy variant, one bar per run. */
    String spin(String name, String title, String yTitle, String measure, ToDoubleFunction<SpinSample> figure,
                int runs) throws IOException {
        CategoryChart chart = chart(title, "server", yTitle);
        chart.getStyler().setXAxisLabelRotation(20); // eight long names side by side
        List<String> variants = SpinRunner.names();
        for (int run = 1; run <= runs; run++) {
            List<Double> values = new ArrayList<>();
            for (String variant : variants) {
                int r = run;
                values.add(orZero(SpinRunner.of(results, measure, variant).stream().filter(s -> s.run == r)
                        .mapToDouble(figure).findFirst().orElse(Double.NaN)));
            }
            chart.addSeries("run " + run, variants, values);
        }
        return save(chart, name);
    }

    /** Scenario h: the median RTT percentiles of one ping-pong per variant, one series per percentile. */
    String spinLatency(String name, String title, String measure) throws IOException {
        CategoryChart chart = chart(title, "server", "µs (median over runs)");
        chart.getStyler().setXAxisLabelRotation(20);
        List<String> variants = SpinRunner.names();
        String[] labels = {"p50", "p99", "p99.9"};
        List<ToDoubleFunction<SpinSample>> figures = List.of(s -> s.rttP50Micros, s -> s.rttP99Micros,
                s -> s.rttP999Micros);
        for (int i = 0; i < labels.length; i++) {
            List<Double> values = new ArrayList<>();
            for (String variant : variants) {
                List<Double> runs = new ArrayList<>();
                for (SpinSample s : SpinRunner.of(results, measure, variant)) {
                    runs.add(figures.get(i).applyAsDouble(s));
                }
                values.add(orZero(Stats.of(runs).median));
            }
            chart.addSeries(labels[i], variants, values);
        }
        return save(chart, name);
    }

    private String relativeToEpoll(String name, String title, ToDoubleFunction<Sample> figure) throws IOException {
        List<Scenario> scenarios = results.scenarios();
        List<String> ids = new ArrayList<>();
        scenarios.forEach(s -> ids.add(s.id));
        CategoryChart chart = chart(title, "scenario", "ratio to epoll");
        for (String transport : SuiteSettings.TRANSPORTS) {
            List<Double> values = new ArrayList<>();
            for (Scenario scenario : scenarios) {
                double epoll = median(scenario, "epoll", figure);
                values.add(orZero(median(scenario, transport, figure) / epoll));
            }
            chart.addSeries(transport, ids, values);
        }
        return save(chart, name);
    }

    private double median(Scenario scenario, String transport, ToDoubleFunction<Sample> figure) {
        List<Double> values = new ArrayList<>();
        results.of(scenario, transport).forEach(s -> values.add(figure.applyAsDouble(s)));
        return Stats.of(values).median;
    }

    private static CategoryChart chart(String title, String xTitle, String yTitle) {
        CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        chart.getStyler().setPlotGridVerticalLinesVisible(false);
        return chart;
    }

    /** XChart draws no bar for 0, and cannot place NaN: a missing value becomes an absent bar. */
    private static double orZero(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? 0 : value;
    }

    private String save(CategoryChart chart, String name) throws IOException {
        // saveBitmap adds the ".png" itself.
        BitmapEncoder.saveBitmap(chart, dir.resolve(name).toString(), BitmapEncoder.BitmapFormat.PNG);
        written.add(name + ".png");
        return name + ".png";
    }
}
