package io.reflex.trainer.cache.report;

import org.knowm.xchart.style.AxesChartStyler;
import org.knowm.xchart.style.Styler;

import java.awt.Color;
import java.awt.Font;

/** The look every report chart shares: white, light grid, readable sans-serif text, legend below. */
final class ChartStyle {

    /** The learned policy's colour: the one saturated line in a hit-ratio chart. */
    static final Color REFLEX = new Color(0x0057d9);
    /** The best classical policy at each size. */
    static final Color BEST = new Color(0xe07000);
    /** Every other classical policy when a learned one is drawn. */
    static final Color OTHERS = new Color(0xb8b8b8);
    /** Bars and single series. */
    static final Color PLAIN = new Color(0x3d6fa8);

    private ChartStyle() {
    }

    static void apply(AxesChartStyler styler) {
        styler.setChartBackgroundColor(Color.WHITE);
        styler.setPlotBackgroundColor(Color.WHITE);
        styler.setPlotBorderColor(new Color(0x999999));
        styler.setPlotGridLinesColor(new Color(0xe3e3e3));
        styler.setLegendBorderColor(Color.WHITE);
        styler.setLegendPosition(Styler.LegendPosition.OutsideS);
        styler.setLegendLayout(Styler.LegendLayout.Horizontal);
        styler.setChartTitleBoxVisible(false);
        styler.setChartTitleFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
        styler.setAxisTitleFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        styler.setAxisTickLabelsFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setLegendFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        styler.setAnnotationTextFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
        styler.setToolTipsEnabled(false);
    }
}
