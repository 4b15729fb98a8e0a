//! Closed vocabularies of the case-management model, spelled as they travel on the wire.
//!
//! Every enum parses strictly (`FromStr`, `Deserialize`) and prints its wire spelling
//! (`as_str`, `Display`, `Serialize`).

use std::fmt;
use std::str::FromStr;

/// Declares a string enum with its exact wire spelling.
macro_rules! wire_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire spelling.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            /// Parses ignoring ASCII case, for APIs that spell the same value differently
            /// (`company` for `Company`).
            pub fn parse_loose(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str().eq_ignore_ascii_case(s.trim()))
            }
        }

        impl WireEnum for $name {
            fn parse_loose(s: &str) -> Option<Self> {
                $name::parse_loose(s)
            }
            fn wire(self) -> &'static str {
                self.as_str()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = UnknownVariant;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($text => Ok($name::$variant),)+
                    _ => Err(UnknownVariant {
                        value: s.to_string(),
                        expected: &[$($text),+],
                    }),
                }
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

/// What every closed vocabulary offers to tolerant decoders.
pub trait WireEnum: Copy + Sized {
    /// Parses ignoring ASCII case.
    fn parse_loose(s: &str) -> Option<Self>;
    /// The wire spelling.
    fn wire(self) -> &'static str;
}

/// A value from a closed vocabulary as a server sent it: a value this build knows, or the text
/// of one it does not (shown as it came, never a decoding failure).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Wire<T> {
    Known(T),
    Other(String),
}

impl<T: WireEnum> Wire<T> {
    pub fn parse(s: &str) -> Self {
        match T::parse_loose(s) {
            Some(v) => Wire::Known(v),
            None => Wire::Other(s.to_string()),
        }
    }

    /// The known value, if it is one.
    pub fn known(&self) -> Option<T> {
        match self {
            Wire::Known(v) => Some(*v),
            Wire::Other(_) => None,
        }
    }

    /// The text to show.
    pub fn as_str(&self) -> &str {
        match self {
            Wire::Known(v) => v.wire(),
            Wire::Other(s) => s,
        }
    }
}

impl<T: WireEnum> fmt::Display for Wire<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl<T: WireEnum> serde::Serialize for Wire<T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de, T: WireEnum> serde::Deserialize<'de> for Wire<T> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(Wire::parse(&s))
    }
}

/// A string that is not one of an enum's values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownVariant {
    pub value: String,
    pub expected: &'static [&'static str],
}

impl fmt::Display for UnknownVariant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "unknown value {:?}, expected one of: ", self.value)?;
        for (i, e) in self.expected.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{e:?}")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownVariant {}

wire_enum!(
    /// Lifecycle status of a case.
    CaseStatus {
        New => "New",
        InProgress => "In Progress",
        InReview => "In Review",
        InternalReview => "Internal Review",
        ClientInput => "Client Input",
        Escalated => "Escalated",
        Closed => "Closed",
    }
);

wire_enum!(
    /// Why a case exists.
    CaseType { Onboarding => "Onboarding", Review => "Review", Perpetual => "Perpetual" }
);

wire_enum!(
    /// Urgency of a case or an alert; drives SLA windows.
    Priority { Critical => "Critical", High => "High", Medium => "Medium", Low => "Low" }
);

wire_enum!(
    /// Category of an entity (and of a case's primary entity).
    EntityType { Company => "Company", Person => "Person" }
);

wire_enum!(
    /// Risk tier of a case, an assessment or a dimension.
    RiskTier { High => "High", Medium => "Medium", Low => "Low" }
);

wire_enum!(
    /// SLA position of a case or alert, computed at read time.
    SlaStatus { OnTrack => "On Track", Warning => "Warning", Critical => "Critical", Breached => "Breached" }
);

wire_enum!(
    /// Final decision recorded when a case closes.
    Decision { Approve => "Approve", Decline => "Decline" }
);

wire_enum!(
    /// Role an entity plays within one case.
    EntityRole { Primary => "Primary", Ubo => "UBO", Director => "Director", Shareholder => "Shareholder" }
);

wire_enum!(
    /// Verification state of an entity.
    VerificationStatus {
        NotStarted => "Not Started",
        InProgress => "In Progress",
        Verified => "Verified",
        Expired => "Expired",
        Failed => "Failed",
    }
);

wire_enum!(
    /// Triage state of an alert.
    AlertStatus {
        Open => "Open",
        Acknowledged => "Acknowledged",
        Resolved => "Resolved",
        FalsePositive => "False Positive",
        Escalated => "Escalated",
    }
);

wire_enum!(
    /// Kind of alert, as used by the alert list's `type` filter.
    AlertType { Screening => "Screening", Identity => "Identity", Company => "Company", Document => "Document", Financial => "Financial" }
);

wire_enum!(
    /// What an analyst decides about an alert.
    ResolutionAction {
        Approve => "Approve",
        Decline => "Decline",
        Escalate => "Escalate",
        RequestDocument => "Request Document",
        ApproveWithConditions => "Approve with Conditions",
    }
);

wire_enum!(
    /// Family of a verification check.
    CheckCategory { Identity => "Identity", Screening => "Screening", Company => "Company", Financial => "Financial", Edd => "EDD" }
);

wire_enum!(
    /// Execution state of a check.
    CheckStatus {
        Pending => "Pending",
        Queued => "Queued",
        InProgress => "In Progress",
        AwaitingDocument => "Awaiting Document",
        AwaitingClient => "Awaiting Client",
        Complete => "Complete",
        Failed => "Failed",
        Waived => "Waived",
        Cancelled => "Cancelled",
        Reused => "Reused",
        RetryScheduled => "Retry Scheduled",
    }
);

wire_enum!(
    /// Outcome of a completed check.
    CheckResult { Pass => "Pass", Refer => "Refer", Fail => "Fail" }
);

wire_enum!(
    /// Why a check was waived.
    WaiveReason {
        NotApplicable => "Not applicable",
        AlreadyVerifiedExternally => "Already verified externally",
        LowMateriality => "Low materiality",
        Other => "Other",
    }
);

wire_enum!(
    /// Kind of case comment.
    CommentType { Comment => "Comment", Decision => "Decision", Note => "Note", System => "System" }
);

wire_enum!(
    /// Role a reviewer holds on a case.
    ReviewerRole { Approver => "Approver" }
);

wire_enum!(
    /// Where a reviewer stands.
    ReviewerStatus {
        Invited => "Invited",
        Reviewing => "Reviewing",
        Approved => "Approved",
        Rejected => "Rejected",
        Removed => "Removed",
    }
);

wire_enum!(
    /// Lifecycle of a risk assessment.
    AssessmentStatus {
        Draft => "Draft",
        Active => "Active",
        Superseded => "Superseded",
        Overridden => "Overridden",
        Approved => "Approved",
    }
);

wire_enum!(
    /// Due-diligence path a risk tier leads to.
    DueDiligence { Sdd => "SDD", Cdd => "CDD", Edd => "EDD" }
);

wire_enum!(
    /// What a user may do.
    UserRole { Analyst => "analyst", Approver => "approver", Auditor => "auditor" }
);

impl CaseStatus {
    /// Closed is the only terminal status.
    pub fn is_terminal(self) -> bool {
        self == CaseStatus::Closed
    }
}

impl Priority {
    /// 0 for Critical up to 3 for Low: ascending order is most urgent first.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Critical => 0,
            Priority::High => 1,
            Priority::Medium => 2,
            Priority::Low => 3,
        }
    }
}

impl RiskTier {
    /// 3 for High down to 1 for Low.
    pub fn rank(self) -> i64 {
        match self {
            RiskTier::High => 3,
            RiskTier::Medium => 2,
            RiskTier::Low => 1,
        }
    }

    /// The due-diligence path this tier leads to.
    pub fn due_diligence(self) -> DueDiligence {
        match self {
            RiskTier::High => DueDiligence::Edd,
            RiskTier::Medium => DueDiligence::Cdd,
            RiskTier::Low => DueDiligence::Sdd,
        }
    }

    /// How often a customer of this tier is reviewed again.
    pub fn review_frequency(self) -> &'static str {
        match self {
            RiskTier::High => "6 Months",
            RiskTier::Medium => "12 Months",
            RiskTier::Low => "24 Months",
        }
    }
}

impl AlertStatus {
    /// Resolved and False Positive no longer need work; everything else blocks closing a case.
    pub fn is_settled(self) -> bool {
        matches!(self, AlertStatus::Resolved | AlertStatus::FalsePositive)
    }
}

impl UserRole {
    /// Auditors read everything and write nothing.
    pub fn can_write(self) -> bool {
        self != UserRole::Auditor
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_spelling_round_trips() {
        for s in CaseStatus::ALL {
            assert_eq!(s.as_str().parse::<CaseStatus>().unwrap(), *s);
            let json = serde_json::to_string(s).unwrap();
            assert_eq!(serde_json::from_str::<CaseStatus>(&json).unwrap(), *s);
        }
        assert_eq!(EntityRole::Ubo.as_str(), "UBO");
    }

    #[test]
    fn tolerant_values_keep_what_they_do_not_know() {
        let w: Wire<EntityType> = serde_json::from_str("\"company\"").unwrap();
        assert_eq!(w, Wire::Known(EntityType::Company));
        let w: Wire<CaseStatus> = serde_json::from_str("\"On Hold\"").unwrap();
        assert_eq!(w, Wire::Other("On Hold".into()));
        assert_eq!(w.to_string(), "On Hold");
        assert_eq!(w.known(), None);
    }

    #[test]
    fn unknown_value_names_the_choices() {
        let err = "Open".parse::<CaseStatus>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("\"Open\""), "{msg}");
        assert!(msg.contains("\"In Progress\""), "{msg}");
        assert!(serde_json::from_str::<CaseStatus>("\"in progress\"").is_err());
    }
}
