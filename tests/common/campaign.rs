//! A campaign file to import: `n` cases, every third a company, references `{prefix}000000`...
//! Used by the import tests and `benches/import.rs` (which includes this file by path).

/// The CSV, header first.
pub fn cases_csv(prefix: &str, n: usize) -> String {
    let mut out = String::from(
        "type,entity_category,entity.first_name,entity.last_name,entity.date_of_birth,\
         entity.nationality,entity.company_name,entity.country,external_reference,metadata.campaign\n",
    );
    for i in 0..n {
        if i % 3 == 0 {
            out.push_str(&format!(
                "Review,Company,,,,,\"Periodic Holdings {i}, Ltd\",GB,{prefix}{i:06},periodic\n"
            ));
        } else {
            out.push_str(&format!(
                "Review,Person,Ada{i},Lindqvist,1980-01-{:02},SE,,,{prefix}{i:06},periodic\n",
                i % 28 + 1
            ));
        }
    }
    out
}
