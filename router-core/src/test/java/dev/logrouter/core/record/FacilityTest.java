package dev.logrouter.core.record;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class FacilityTest {

    @Test
    void labelsAndCodesFollowRfc5424() {
        assertThat(Facility.labelOf(0)).isEqualTo("kern");
        assertThat(Facility.labelOf(10)).isEqualTo("authpriv");
        assertThat(Facility.labelOf(15)).isEqualTo("solaris-cron");
        assertThat(Facility.labelOf(23)).isEqualTo("local7");
        assertThat(Facility.labelOf(24)).isEqualTo("24");
        assertThat(Facility.ofCode(-1)).isNull();
        for (Facility f : Facility.values()) {
            assertThat(Facility.parse(f.label().toUpperCase())).isSameAs(f);
            assertThat(Facility.ofCode(f.code())).isSameAs(f);
        }
        assertThat(Facility.parse("local8")).isNull();
        assertThat(Facility.parse(null)).isNull();
    }

    @Test
    void dmesgNamesTheFourReservedFacilitiesLikeUtilLinux() {
        assertThat(Facility.NTP.dmesgLabel()).isEqualTo("res0");
        assertThat(Facility.SOLARIS_CRON.dmesgLabel()).isEqualTo("res3");
        assertThat(Facility.FTP.dmesgLabel()).isEqualTo("ftp");
        assertThat(Facility.LOCAL0.dmesgLabel()).isEqualTo("local0");
    }
}
