package io.auditshipper.config;

import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;

import java.text.ParseException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.TimeZone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Kestra's (Unix) cron to Quartz: checked by the times Quartz then fires at, not only by the text. */
class QuartzCronTest {

    /** The next {@code count} times the converted expression fires after 2026-11-29T00:00Z (a Sunday), in UTC. */
    private static List<ZonedDateTime> fires(String unixCron, int count) throws ParseException {
        CronExpression quartz = new CronExpression(QuartzCron.of(unixCron));
        quartz.setTimeZone(TimeZone.getTimeZone("UTC"));
        List<ZonedDateTime> out = new ArrayList<>();
        Date at = Date.from(Instant.parse("2026-11-29T00:00:00Z"));
        for (int i = 0; i < count; i++) {
            at = quartz.getNextValidTimeAfter(at);
            out.add(at.toInstant().atZone(ZoneOffset.UTC));
        }
        return out;
    }

    private static List<DayOfWeek> days(String unixCron, int count) throws ParseException {
        return fires(unixCron, count).stream().map(ZonedDateTime::getDayOfWeek).toList();
    }

    @Test
    void unixDaysOfTheWeekCountFromSundayAsZeroOrSeven() throws ParseException {
        assertThat(days("0 9 * * 1-5", 5)).containsExactly(DayOfWeek.MONDAY, DayOfWeek.TUESDAY, DayOfWeek.WEDNESDAY,
                DayOfWeek.THURSDAY, DayOfWeek.FRIDAY);
        assertThat(days("0 9 * * 0", 2)).containsOnly(DayOfWeek.SUNDAY);
        assertThat(days("0 9 * * 7", 2)).containsOnly(DayOfWeek.SUNDAY);
        assertThat(days("0 9 * * 5-7", 3)).containsExactly(DayOfWeek.SUNDAY, DayOfWeek.FRIDAY, DayOfWeek.SATURDAY);
        assertThat(days("0 9 * * sat,SUN", 2)).containsExactly(DayOfWeek.SUNDAY, DayOfWeek.SATURDAY);
    }

    @Test
    void aStepOfDaysIsNotShiftedLikeADay() throws ParseException {
        // Unix */2: Sunday, Tuesday, Thursday, Saturday. Shifting the 2 as if it were a day would give every third day.
        assertThat(days("0 9 * * */2", 4)).containsExactly(DayOfWeek.SUNDAY, DayOfWeek.TUESDAY, DayOfWeek.THURSDAY,
                DayOfWeek.SATURDAY);
        assertThat(days("0 9 * * 1-5/2", 3)).containsExactly(DayOfWeek.MONDAY, DayOfWeek.WEDNESDAY, DayOfWeek.FRIDAY);
    }

    @Test
    void minutesHoursAndDaysOfTheMonthMeanWhatTheySayInUnixCron() throws ParseException {
        assertThat(fires("*/15 * * * *", 3)).extracting(ZonedDateTime::getMinute).containsExactly(15, 30, 45);
        assertThat(fires("30 2 1 * *", 2)).extracting(Object::toString)
                .containsExactly("2026-12-01T02:30Z", "2027-01-01T02:30Z");
        assertThat(QuartzCron.of("* * * * *")).isEqualTo("0 * * * * ?");
    }

    @Test
    void kestrasExtensionsAreTheCronsTheyStandFor() throws ParseException {
        assertThat(fires("@hourly", 2)).extracting(Object::toString).containsExactly("2026-11-29T01:00Z", "2026-11-29T02:00Z");
        assertThat(fires("@daily", 1)).extracting(Object::toString).containsExactly("2026-11-30T00:00Z");
        assertThat(fires("@midnight", 1)).isEqualTo(fires("@daily", 1));
        assertThat(days("@weekly", 2)).containsOnly(DayOfWeek.SUNDAY);
        assertThat(fires("@monthly", 1)).extracting(Object::toString).containsExactly("2026-12-01T00:00Z");
        assertThat(fires("@yearly", 1)).isEqualTo(fires("@annually", 1)).extracting(Object::toString)
                .containsExactly("2027-01-01T00:00Z");
    }

    @Test
    void bothDayFieldsRestrictedIsRefusedRatherThanRunOnFewerDays() {
        // Unix: the 1st of the month OR any Monday. Dropping either field would silently skip passes.
        assertThatThrownBy(() -> QuartzCron.of("0 0 1 * 1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("both the day of the month and the day of the week");
    }

    @Test
    void whatUnixCronDoesNotReadIsRefusedSayingWhat() {
        assertThatThrownBy(() -> QuartzCron.of("0 9 * * 8")).hasMessageContaining("out of 0-7");
        assertThatThrownBy(() -> QuartzCron.of("0 9 * * MONDAY")).hasMessageContaining("'MONDAY'");
        assertThatThrownBy(() -> QuartzCron.of("every minute")).hasMessageContaining("5 fields");
        assertThatThrownBy(() -> QuartzCron.of("61 * * * *")).hasMessageContaining("5 fields");
    }

    @Test
    void aQuartzExpressionIsTakenAsItIs() {
        assertThat(QuartzCron.of("0/30 * * * * ?")).isEqualTo("0/30 * * * * ?");
    }
}
