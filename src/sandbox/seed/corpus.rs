//! Synthetic reference data for the sandbox seeder: names, companies, places and texts.
//! Everything here is invented; any resemblance to real persons or companies is coincidental.
//!
//! Placeholders used in text templates (substituted by the seeder):
//! `{name}` screened subject, `{matched}` matched record name, `{score}` match score 0-100,
//! `{list}` list or source name, `{dob_note}` short date-of-birth agreement phrase,
//! `{country}` country name.

/// A jurisdiction with locale-flavoured name pools used to generate subjects and companies.
pub struct Country {
    /// ISO 3166-1 alpha-2 code, e.g. "DE".
    pub code: &'static str,
    /// English short name, e.g. "Germany".
    pub name: &'static str,
    /// Illustrative geographic risk used by the sandbox risk model (not a real rating).
    pub risk: GeoRisk,
    /// Given names, mixed gender, partly in the local script.
    pub given_names: &'static [&'static str],
    /// Family names, partly in the local script.
    pub family_names: &'static [&'static str],
    /// True where the family name is customarily written first (CN, JP, KR, KP, HU, VN).
    pub family_name_first: bool,
    /// Invented company name stems with local flavour.
    pub company_stems: &'static [&'static str],
    /// Legal-form suffixes (or prefixes, by local custom) for companies.
    pub company_forms: &'static [&'static str],
    /// Cities or districts used for addresses.
    pub cities: &'static [&'static str],
}

/// Illustrative risk tier used for geography and industry.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeoRisk {
    Low,
    Medium,
    High,
}

/// Look up a country by its ISO alpha-2 code (case-insensitive).
pub fn country(code: &str) -> Option<&'static Country> {
    COUNTRIES.iter().find(|c| c.code.eq_ignore_ascii_case(code))
}

#[rustfmt::skip]
pub static COUNTRIES: &[Country] = &[
    // ----------------------------------------------------------------- Europe
    Country {
        code: "GB", name: "United Kingdom", risk: GeoRisk::Low,
        given_names: &["Oliver", "Amelia", "Harry", "Isla", "George", "Freya", "Alfie", "Poppy",
            "Rhys", "Eleanor", "Callum", "Priya", "Jack", "Imogen"],
        family_names: &["Whitfield", "Ashworth", "Pemberton", "O'Sullivan", "Hargreaves", "Llewellyn",
            "Fairbairn", "Baker-Evans", "Thornbury", "Mackintosh", "Caldwell", "Entwistle", "Patel"],
        family_name_first: false,
        company_stems: &["Kestrel Row Capital", "Pennine Freight", "Harrowby & Finch Trading",
            "Saltmarsh Logistics", "Copperbeech Advisory", "Redcliffe Marine Supplies",
            "Greyfriars Property", "Ashdown Textiles", "Wrenfield Analytics", "Larkspur Foods"],
        company_forms: &["Ltd", "PLC", "LLP"],
        cities: &["London", "Manchester", "Leeds", "Bristol", "Glasgow", "Cardiff", "Birmingham"],
    },
    Country {
        code: "DE", name: "Germany", risk: GeoRisk::Low,
        given_names: &["Lukas", "Sophie", "Maximilian", "Jürgen", "Hannah", "Jörg", "Lea", "Björn",
            "Anneliese", "Felix", "Mia", "Dieter", "Käthe", "Emre"],
        family_names: &["Müller", "Schäfer", "Köhler", "Becker", "Hoffmann", "Wagner", "Krüger",
            "Zimmermann", "Vogt", "Lehmann", "Brandstätter", "von Albrecht", "Oberländer"],
        family_name_first: false,
        company_stems: &["Nordlicht Logistik", "Rheinblick Handel", "Elbtal Maschinenbau",
            "Auerbach Feinmechanik", "Sonnenhang Immobilien", "Kranich Datentechnik",
            "Lindwurm Metallhandel", "Spreewerk Energie", "Bergquell Getränke",
            "Falkenried Beteiligungen", "Grünwald Textil"],
        company_forms: &["GmbH", "AG", "KG", "GmbH & Co. KG", "UG (haftungsbeschränkt)"],
        cities: &["Berlin", "München", "Hamburg", "Köln", "Frankfurt am Main", "Düsseldorf", "Leipzig"],
    },
    Country {
        code: "FR", name: "France", risk: GeoRisk::Low,
        given_names: &["Jean-Luc", "Amélie", "Théo", "Léa", "François", "Chloé", "Hélène", "Benoît",
            "Inès", "Maël", "Camille", "Aurélien", "Noémie", "Zoë"],
        family_names: &["Lefèvre", "Dubois", "Moreau", "Girard", "Lemaître", "Fournier", "Rousseau",
            "Beaumont", "Mercier", "Duchêne", "Benhamou", "Le Goff", "Garnier"],
        family_name_first: false,
        company_stems: &["Lumière du Nord Négoce", "Atelier Garonne", "Vallée Bleue Transports",
            "Comptoir Méditerranéen", "Boréal Conseil", "Hirondelle Immobilier",
            "Sarrasin Agroalimentaire", "Pont-Levis Finance", "Clairvaux Chimie", "Ardoise Numérique"],
        company_forms: &["SA", "SAS", "SARL", "SNC"],
        cities: &["Paris", "Lyon", "Marseille", "Toulouse", "Lille", "Bordeaux", "Nantes"],
    },
    Country {
        code: "ES", name: "Spain", risk: GeoRisk::Low,
        given_names: &["Alejandro", "Lucía", "Sergio", "María José", "Íñigo", "Begoña", "Iñaki",
            "Nuria", "Álvaro", "Ainhoa", "Rocío", "Javier", "Carmen"],
        family_names: &["García", "Fernández", "Martínez", "Núñez", "Muñoz", "Ibáñez", "Sánchez",
            "Ortega", "Peña", "Castaño", "Etxeberria", "Ruiz-Calderón", "Gómez de la Vega"],
        family_name_first: false,
        company_stems: &["Ibérica de Envases", "Transportes Peñalara", "Olivares del Sur",
            "Castañar Inversiones", "Puerto Albahaca Logística", "Sierra Cierzo Energía",
            "Alborán Marítima", "Nácar Textil", "Cárdenas y Ruiz Asesores", "Almendral Inmobiliaria"],
        company_forms: &["S.A.", "S.L.", "S.L.U."],
        cities: &["Madrid", "Barcelona", "Valencia", "Sevilla", "Bilbao", "Málaga", "Zaragoza"],
    },
    Country {
        code: "IT", name: "Italy", risk: GeoRisk::Low,
        given_names: &["Giulia", "Alessandro", "Francesca", "Niccolò", "Chiara", "Lorenzo", "Federica",
            "Matteo", "Beatrice", "Gianluca", "Ilaria", "Pietro", "Noemi"],
        family_names: &["Rossi", "Bianchi", "Esposito", "Ferraro", "Romano", "Colombo", "Ricci",
            "De Luca", "D'Angelo", "Marchetti", "Galli", "Lombardi", "Santoro", "Caruso"],
        family_name_first: false,
        company_stems: &["Ponte Alto Commerciale", "Laguna Spedizioni", "Officine Brenta",
            "Cantine Valmarina", "Tessitura Orobica", "Marmi Apuani Nuovi",
            "Aurora Costruzioni Meridionali", "Gelsomino Alimentari", "Veliero Finanziaria",
            "Sirio Informatica"],
        company_forms: &["S.p.A.", "S.r.l.", "S.a.s."],
        cities: &["Roma", "Milano", "Napoli", "Torino", "Genova", "Bologna", "Palermo"],
    },
    Country {
        code: "NL", name: "Netherlands", risk: GeoRisk::Low,
        given_names: &["Daan", "Sanne", "Bram", "Femke", "Joris", "Lotte", "Sven", "Anouk", "Thijs",
            "Eline", "Maarten", "Noor", "Jeroen"],
        family_names: &["de Vries", "van den Berg", "Jansen", "Bakker", "Visser", "Smit", "de Jong",
            "van Dijk", "Meijer", "Mulder", "Kuipers", "van 't Hof", "Hoekstra", "IJzerman"],
        family_name_first: false,
        company_stems: &["Zeewind Handelsmaatschappij", "Havenkraan Logistiek", "Tulpenveld Beheer",
            "Polderlicht Energie", "Grachtzicht Vastgoed", "Molenwiek Trading", "Noorderzon Agro",
            "Kustlijn Shipping", "Blauwe Reiger Holding", "Duinroos Software"],
        company_forms: &["B.V.", "N.V.", "V.O.F."],
        cities: &["Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen"],
    },
    Country {
        code: "SE", name: "Sweden", risk: GeoRisk::Low,
        given_names: &["Åsa", "Björn", "Linnéa", "Måns", "Ingrid", "Göran", "Elsa", "Oskar", "Maja",
            "Henrik", "Saga", "Ebba", "Nils", "Sören"],
        family_names: &["Andersson", "Johansson", "Lindqvist", "Bergström", "Åkesson", "Sjöberg",
            "Nyström", "Ekdahl", "Holmgren", "Lundgren", "Söderberg", "Wikström", "Öberg"],
        family_name_first: false,
        company_stems: &["Fjällbacka Frakt", "Norrsken Data", "Älvkraft Energi", "Tallmo Trävaror",
            "Havsörn Fastigheter", "Skärgård Marin", "Björkdal Invest", "Vintergatan Konsult",
            "Rimfrost Livsmedel", "Stenhamra Stål"],
        company_forms: &["AB", "AB (publ)", "HB", "KB"],
        cities: &["Stockholm", "Göteborg", "Malmö", "Uppsala", "Västerås", "Örebro"],
    },
    Country {
        code: "PL", name: "Poland", risk: GeoRisk::Low,
        given_names: &["Łukasz", "Małgorzata", "Paweł", "Agnieszka", "Grzegorz", "Zofia", "Wojciech",
            "Katarzyna", "Michał", "Joanna", "Jędrzej", "Bożena", "Kamil"],
        family_names: &["Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Zieliński",
            "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Jankowski", "Mazur", "Krawczyk",
            "Grabowska"],
        family_name_first: false,
        company_stems: &["Wiślany Transport", "Bursztyn Handel", "Mazowiecka Stal",
            "Zielony Dąb Nieruchomości", "Żuraw Logistyka", "Sokół Elektronika",
            "Kaszubskie Przetwórstwo Rybne", "Tatrzański Kamień", "Jantar Finanse", "Wrzos Tekstylia"],
        company_forms: &["sp. z o.o.", "S.A.", "sp.k."],
        cities: &["Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk"],
    },
    Country {
        code: "CH", name: "Switzerland", risk: GeoRisk::Low,
        given_names: &["Luca", "Seraina", "Reto", "Nicole", "Urs", "Chiara", "Beat", "Mélanie", "Jürg",
            "Flurina", "Gian-Andrea", "Noëlle", "Mathias"],
        family_names: &["Meier", "Schmid", "Keller", "Weber", "Huber", "Brunner", "Gerber", "Bachmann",
            "Favre", "Rochat", "Bernasconi", "Zürcher", "Caflisch"],
        family_name_first: false,
        company_stems: &["Alpenfirn Treuhand", "Léman Patrimoine", "Gotthard Rohstoffe",
            "Silberdistel Vermögensverwaltung", "Sonnegg Holding", "Rigiblick Trading",
            "Bernina Commodities", "Lac Noir Gestion", "Matterblick Consulting", "Vierwald Logistik"],
        company_forms: &["AG", "SA", "GmbH", "Sàrl"],
        cities: &["Zürich", "Genève", "Basel", "Lausanne", "Bern", "Lugano", "Zug"],
    },
    Country {
        code: "IE", name: "Ireland", risk: GeoRisk::Low,
        given_names: &["Siobhán", "Ciarán", "Aoife", "Seán", "Niamh", "Pádraig", "Caoimhe", "Eoin",
            "Róisín", "Cathal", "Orla", "Declan", "Gráinne"],
        family_names: &["O'Connor", "Murphy", "Kelly", "O'Sullivan", "Walsh", "McCarthy", "Byrne",
            "Ó Briain", "Fitzgerald", "Doyle", "Nolan", "Ó Súilleabháin", "Mac Giolla Phádraig"],
        family_name_first: false,
        company_stems: &["Liffey Quay Holdings", "Shannonside Aviation Leasing", "Claddagh Software",
            "Burren Stone Supplies", "Atlantic Lough Fisheries", "Ballyvale Agri",
            "Corrib Pharma Services", "Slievemore Consulting", "Tara Hill Logistics",
            "Glendaragh Capital"],
        company_forms: &["Ltd", "DAC", "PLC", "Teoranta"],
        cities: &["Dublin", "Cork", "Galway", "Limerick", "Waterford"],
    },
    Country {
        code: "GR", name: "Greece", risk: GeoRisk::Medium,
        given_names: &["Γιώργος", "Μαρία", "Nikos", "Ελένη", "Dimitris", "Κατερίνα", "Konstantinos",
            "Σοφία", "Γιάννης", "Eleni", "Αθανάσιος", "Δέσποινα", "Stavros"],
        family_names: &["Παπαδόπουλος", "Papadopoulou", "Georgiou", "Οικονόμου", "Karagiannis",
            "Βλάχος", "Nikolaidis", "Αντωνίου", "Makris", "Δημητρίου", "Papageorgiou",
            "Κωνσταντινίδης", "Alexiou"],
        family_name_first: false,
        company_stems: &["Αιγαίο Ναυτιλιακή", "Aegean Breeze Shipping", "Όλυμπος Εμπορική",
            "Kyma Blue Maritime", "Κυκλάδες Τουριστική", "Thessaly Grain", "Ελιά Τροφίμων",
            "Ionian Star Holdings", "Πυξίδα Επενδύσεις", "Meteora Stoneworks"],
        company_forms: &["Α.Ε.", "Ε.Π.Ε.", "S.A.", "I.K.E."],
        cities: &["Αθήνα", "Θεσσαλονίκη", "Piraeus", "Πάτρα", "Heraklion"],
    },
    Country {
        code: "HU", name: "Hungary", risk: GeoRisk::Medium,
        given_names: &["Bence", "Zsófia", "László", "Eszter", "Gergő", "Réka", "Ádám", "Júlia",
            "Zoltán", "Katalin", "Máté", "Ildikó", "Dorottya"],
        family_names: &["Nagy", "Kovács", "Tóth", "Szabó", "Horváth", "Varga", "Kiss", "Molnár",
            "Németh", "Farkas", "Balogh", "Papp", "Szűcs"],
        family_name_first: true,
        company_stems: &["Dunakanyar Kereskedelmi", "Tisza-Logisztika", "Balatoni Borház",
            "Mátra Energia", "Hortobágy Agrár", "Pannon Acél", "Gellérthegy Ingatlan",
            "Kárpát Faipar", "Rákos Befektetési", "Puszta Informatika"],
        company_forms: &["Kft.", "Zrt.", "Nyrt.", "Bt."],
        cities: &["Budapest", "Debrecen", "Szeged", "Pécs", "Győr", "Miskolc"],
    },
    Country {
        code: "CY", name: "Cyprus", risk: GeoRisk::High,
        given_names: &["Andreas", "Χριστίνα", "Marios", "Έλενα", "Kyriakos", "Androulla",
            "Panayiotis", "Στέλλα", "Charalambos", "Maria", "Neophytos", "Ελένη"],
        family_names: &["Christodoulou", "Georgiades", "Ioannou", "Χαραλάμπους", "Kyriakou",
            "Neophytou", "Παναγιώτου", "Hadjipetrou", "Constantinou", "Loizou", "Efstathiou",
            "Χατζηγεωργίου"],
        family_name_first: false,
        company_stems: &["Troodos Nominees", "Petra Rock Holdings", "Marina Quay Trading",
            "Akamas Capital", "Kition Investments", "Salamis Shipping", "Kyrenia Crest Ventures",
            "Citadel Tower Services", "Salt Lake Holdings", "Mesaoria Consulting"],
        company_forms: &["Ltd", "Limited", "Holdings Ltd"],
        cities: &["Nicosia", "Limassol", "Larnaca", "Paphos", "Famagusta"],
    },
    Country {
        code: "RU", name: "Russia", risk: GeoRisk::High,
        given_names: &["Александр", "Екатерина", "Дмитрий", "Ольга", "Сергей", "Анастасия", "Иван",
            "Татьяна", "Mikhail", "Yulia", "Артём", "Наталья", "Pavel"],
        family_names: &["Иванов", "Смирнов", "Кузнецов", "Попов", "Соколов", "Лебедев", "Новиков",
            "Морозов", "Volkov", "Orlov", "Зайцев", "Фёдоров", "Belyaeva"],
        family_name_first: false,
        company_stems: &["Северное Сияние Логистик", "Волга-Транзит", "Уральский Металлоторг",
            "Балтийская Верфь Сервис", "Sibirsky Les Export", "Kamchatka Rybprom", "Таёжный Ресурс",
            "Невский Капитал", "Arktika Energo Trading", "Ладога Инвест"],
        company_forms: &["ООО", "АО", "ПАО", "OOO", "AO"],
        cities: &["Москва", "Санкт-Петербург", "Kazan", "Новосибирск", "Yekaterinburg", "Владивосток"],
    },
    Country {
        code: "TR", name: "Türkiye", risk: GeoRisk::Medium,
        given_names: &["Ayşe", "Mehmet", "Elif", "Mustafa", "Zeynep", "Ömer", "Gülşen", "Çağrı",
            "Burak", "Şule", "İbrahim", "Deniz", "Özlem"],
        family_names: &["Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Öztürk", "Aydın",
            "Arslan", "Doğan", "Kılıç", "Çetin", "Karagöz"],
        family_name_first: false,
        company_stems: &["Boğaziçi Dış Ticaret", "Anadolu Yıldızı Tekstil", "Kapadokya Turizm",
            "Ege Rüzgarı Enerji", "Karadeniz Nakliyat", "Lale Gıda", "Mavi Liman Lojistik",
            "Toros Madencilik", "Çınar Yapı", "Galata Kuyumculuk"],
        company_forms: &["A.Ş.", "Ltd. Şti."],
        cities: &["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Mersin", "Gaziantep"],
    },
    // --------------------------------------------------------------- Americas
    Country {
        code: "US", name: "United States", risk: GeoRisk::Low,
        given_names: &["Ethan", "Madison", "Tyler", "Jasmine", "DeShawn", "Emily", "Carlos",
            "Brianna", "Jacob", "Mei-Ling", "Logan", "Ava", "Marcus"],
        family_names: &["Johnson", "Whitaker", "Nguyen", "Hernandez", "O'Brien", "Washington",
            "McAllister", "Goldberg", "Reyes", "Thompson", "Carter-Lewis", "Brennan", "Kowalczyk"],
        family_name_first: false,
        company_stems: &["Bluegrass Ridge Capital", "Lone Mesa Energy", "Harborline Freight",
            "Cedar Hollow Ventures", "Prairie Signal Networks", "Silver Creek Title",
            "Redwood Parkway Holdings", "Magnolia Bay Imports", "Tristate Check Cashing",
            "Summit Vale Pharmaceuticals"],
        company_forms: &["LLC", "Inc.", "Corp.", "LP"],
        cities: &["New York", "Miami", "Houston", "Chicago", "Los Angeles", "Wilmington", "Las Vegas"],
    },
    Country {
        code: "CA", name: "Canada", risk: GeoRisk::Low,
        given_names: &["Liam", "Chloé", "Noah", "Émilie", "Aiden", "Geneviève", "Raj", "Olivia",
            "Étienne", "Connor", "Sophie", "Jean-François", "Maëlle"],
        family_names: &["Tremblay", "Gagnon", "Roy", "Côté", "Bouchard", "MacDonald", "Campbell",
            "Singh", "Leblanc", "Bélanger", "Fraser", "Pelletier", "Chan"],
        family_name_first: false,
        company_stems: &["Maplestone Resources", "Laurentide Transport", "Boréalis Minéraux",
            "Fundy Tide Seafoods", "Okanagan Orchard Holdings", "Rideau Crest Advisory",
            "Prairie Lantern Grain", "Nord-Québec Forestière", "Cabot Strait Shipping",
            "Kootenay Silver Works"],
        company_forms: &["Inc.", "Ltd.", "Ltée", "Corp."],
        cities: &["Toronto", "Montréal", "Vancouver", "Calgary", "Ottawa", "Halifax"],
    },
    Country {
        code: "MX", name: "Mexico", risk: GeoRisk::Medium,
        given_names: &["José Luis", "Guadalupe", "Alejandra", "Juan Pablo", "Ximena", "Andrés",
            "Valeria", "Héctor", "Itzel", "Rodrigo", "Mónica", "Ángel", "Citlali"],
        family_names: &["Hernández", "López", "González", "Ramírez", "Cruz", "Morales", "Jiménez",
            "Vázquez", "Domínguez", "Ruiz", "Treviño", "Ibarra", "Zúñiga"],
        family_name_first: false,
        company_stems: &["Comercializadora Tláloc", "Transportes del Bajío", "Agave Dorado",
            "Grupo Sierra Madre Norte", "Cantera Rosa Construcciones", "Importadora Pacífico Sur",
            "Casa de Cambio Quetzal", "Maquiladora Río Bravo", "Jade Maya Turismo",
            "Obsidiana Servicios Financieros"],
        company_forms: &["S.A. de C.V.", "S. de R.L. de C.V.", "S.A.P.I. de C.V."],
        cities: &["Ciudad de México", "Guadalajara", "Monterrey", "Tijuana", "Puebla", "Cancún",
            "Culiacán"],
    },
    Country {
        code: "BR", name: "Brazil", risk: GeoRisk::Medium,
        given_names: &["João", "Ana Clara", "Thiago", "Fernanda", "Luís", "Gabriela", "Conceição",
            "Rafael", "Letícia", "Mateus", "Beatriz", "Caio", "Iara"],
        family_names: &["Silva", "Santos", "Oliveira", "Souza", "Pereira", "Gonçalves", "Araújo",
            "Magalhães", "Carvalho", "Simões", "Brandão", "Nascimento", "Assunção"],
        family_name_first: false,
        company_stems: &["Ipanema Comércio", "Sabiá Exportadora", "Cerrado Verde Agronegócios",
            "Paraná Azul Logística", "Jacarandá Participações", "Araucária Madeiras",
            "Maré Alta Pescados", "Tucano Tecnologia", "Sertão Forte Construções",
            "Serra Dourada Mineração"],
        company_forms: &["Ltda.", "S.A.", "EIRELI", "ME"],
        cities: &["São Paulo", "Rio de Janeiro", "Belo Horizonte", "Salvador", "Curitiba", "Recife",
            "Manaus"],
    },
    Country {
        code: "PA", name: "Panama", risk: GeoRisk::High,
        given_names: &["Carlos", "Yaneth", "Luis Alberto", "Itzel", "Ricardo", "Anayansi", "Rubén",
            "Marisol", "Édgar", "Yariela", "Aníbal", "Zuleika"],
        family_names: &["Arosemena", "Vallarino", "Quintero", "Rodríguez", "Barría", "De León",
            "Chong", "Castillo", "Pinzón", "Samudio", "Espino", "Jaén"],
        family_name_first: false,
        company_stems: &["Istmo Global Holdings", "Canal Azul Trading", "Bahía Balboa Investments",
            "Pacífico Ancla Shipping", "Cerro Ancón Services", "Mar del Sur Nominees",
            "Veraguas Capital", "Portobelo Maritime", "Esmeralda Trust Services", "Coclé Ventures"],
        company_forms: &["S.A.", "Inc.", "Corp.", "Fundación de Interés Privado"],
        cities: &["Ciudad de Panamá", "Colón", "David", "Santiago de Veraguas", "Chitré"],
    },
    Country {
        code: "KY", name: "Cayman Islands", risk: GeoRisk::High,
        given_names: &["Deon", "Shanelle", "Andre", "Tamika", "Kirk", "Latoya", "Jermaine",
            "Kerry-Ann", "Dwayne", "Marcia", "Travis", "Simone"],
        family_names: &["Ebanks", "Bodden", "Connolly", "McLaughlin", "Scott", "Watler", "Rivers",
            "Powery", "Jackson", "Merren", "Solomon", "Hydes"],
        family_name_first: false,
        company_stems: &["Seven Mile Holdings", "Coral Reach Capital", "Stingray Trust Nominees",
            "Blue Iguana Ventures", "Tortuga Bay Fund", "Grand Harbour SPV",
            "Caymanite Asset Management", "North Sound Partners", "Leeward Shore Investments",
            "Rum Point Equity"],
        company_forms: &["Ltd.", "SPC", "LP", "Exempted Company"],
        cities: &["George Town", "West Bay", "Bodden Town", "East End", "North Side"],
    },
    // ----------------------------------------------------------------- Africa
    Country {
        code: "NG", name: "Nigeria", risk: GeoRisk::High,
        given_names: &["Chinedu", "Ngozi", "Oluwaseun", "Aisha", "Emeka", "Funmilayo", "Ibrahim",
            "Chiamaka", "Tunde", "Zainab", "Obinna", "Adaeze", "Yusuf"],
        family_names: &["Okafor", "Adeyemi", "Bello", "Eze", "Okonkwo", "Balogun", "Nwachukwu",
            "Abubakar", "Ogunleye", "Olawale", "Danjuma", "Adebayo-Cole", "Nnamdi-Okeke"],
        family_name_first: false,
        company_stems: &["Lekki Horizon Oil Services", "Delta Creek Marine Logistics",
            "Ikoyi Crest Capital", "Savannah Gold Agro", "Obudu Heights Properties",
            "Zuma Ridge Trading", "Oshogbo Textiles", "Eko Bridge Telecoms", "Benue Valley Foods",
            "Kainji Power Solutions"],
        company_forms: &["Ltd", "PLC", "Nigeria Ltd"],
        cities: &["Lagos", "Abuja", "Port Harcourt", "Kano", "Ibadan", "Enugu"],
    },
    Country {
        code: "ZA", name: "South Africa", risk: GeoRisk::Medium,
        given_names: &["Thabo", "Naledi", "Pieter", "Zanele", "Sipho", "Lindiwe", "Johan", "Anika",
            "Lwazi", "Nomvula", "Riaan", "Ayanda", "Fatima"],
        family_names: &["Nkosi", "Dlamini", "van der Merwe", "Botha", "Ndlovu", "Mokoena",
            "Pretorius", "Khumalo", "Naidoo", "du Plessis", "Mthembu", "Venter", "Sithole"],
        family_name_first: false,
        company_stems: &["Highveld Minerals", "Karoo Sun Energy", "Table Bay Fisheries",
            "Umhlanga Property Trust", "Protea Freight", "Drakensberg Timber",
            "Kalahari Stone Traders", "Ubuntu Link Telecoms", "Springbok Ridge Capital",
            "Limpopo Agri Holdings"],
        company_forms: &["(Pty) Ltd", "Ltd", "CC"],
        cities: &["Johannesburg", "Cape Town", "Durban", "Pretoria", "Gqeberha", "Bloemfontein"],
    },
    Country {
        code: "KE", name: "Kenya", risk: GeoRisk::Medium,
        given_names: &["Wanjiru", "Brian", "Achieng", "Kevin", "Njeri", "Collins", "Akinyi", "Dennis",
            "Chebet", "Faith", "Juma", "Halima", "Mercy"],
        family_names: &["Kamau", "Otieno", "Mwangi", "Odhiambo", "Kiprotich", "Wafula", "Mutua",
            "Njoroge", "Kariuki", "Ochieng", "Omondi", "Chege", "Nyaga"],
        family_name_first: false,
        company_stems: &["Savanna Crest Holdings", "Tana River Logistics", "Kilimani Fintech",
            "Rift Valley Flowers", "Mara Plains Safaris", "Lamu Dhow Traders",
            "Nyali Gateway Properties", "Highland Tea Exporters", "Lakeside Kisumu Fisheries",
            "Baraka Mobile Money"],
        company_forms: &["Ltd", "Limited", "LLP"],
        cities: &["Nairobi", "Mombasa", "Kisumu", "Nakuru", "Eldoret"],
    },
    Country {
        code: "EG", name: "Egypt", risk: GeoRisk::Medium,
        given_names: &["Ahmed", "Mona", "Karim", "Nour", "Yasmin", "Mostafa", "Heba", "عمر", "فاطمة",
            "Youssef", "Salma", "ياسين", "مريم"],
        family_names: &["El-Sayed", "Abdel-Rahman", "Hassan", "Mansour", "Fahmy", "El-Masry",
            "Soliman", "الشريف", "عبد الله", "Farouk", "Gaber", "سالم", "Zaki"],
        family_name_first: false,
        company_stems: &["Nile Delta Cotton Trading", "النيل للتجارة", "Pharos Marine Services",
            "Sinai Granite", "Red Sea Reefs Tourism", "Luxor Heritage Crafts", "الواحة للاستثمار",
            "Delta Sun Fertilizers", "Suez Gateway Logistics", "دار السلام للمقاولات"],
        company_forms: &["S.A.E.", "LLC", "ش.م.م"],
        cities: &["Cairo", "القاهرة", "Alexandria", "Giza", "Port Said", "Suez", "Luxor"],
    },
    // ------------------------------------------------------------ Middle East
    Country {
        code: "AE", name: "United Arab Emirates", risk: GeoRisk::Medium,
        given_names: &["Khalid", "Mariam", "Saeed", "Fatima", "Rashid", "Noura", "عائشة", "سلطان",
            "Latifa", "Omar", "حمد", "Shamma", "Abdulla"],
        family_names: &["Al Mansoori", "al-Hashimi", "Al Dhaheri", "Al Ketbi", "الشامسي",
            "Al Mazrouei", "المرزوقي", "Al Suwaidi", "Al Ameri", "Al Blooshi", "Al Marri",
            "بن حارب"],
        family_name_first: false,
        company_stems: &["Creekside General Trading", "Palm Horizon Investments",
            "Dune Falcon Logistics", "Gulf Pearl Jewellery", "Desert Rose Gold Refining",
            "الخليج للتجارة العامة", "Jebel Crest Shipping", "Marina Star Real Estate",
            "Oasis Bridge Exchange", "Saffron Souk Commodities"],
        company_forms: &["LLC", "FZE", "FZCO", "FZ-LLC", "DMCC"],
        cities: &["Dubai", "Abu Dhabi", "Sharjah", "Ajman", "Ras Al Khaimah", "Fujairah"],
    },
    Country {
        code: "IR", name: "Iran", risk: GeoRisk::High,
        given_names: &["Reza", "Maryam", "Ali", "Zahra", "محمد", "Fatemeh", "Hossein", "نرگس",
            "Mehdi", "Shirin", "Amir", "لیلا", "Parisa"],
        family_names: &["Hosseini", "Ahmadi", "Mohammadi", "Rezaei", "Karimi", "Moradi", "حسینی",
            "Jafari", "Rahimi", "Sadeghi", "کریمی", "Ghorbani", "Tehrani"],
        family_name_first: false,
        company_stems: &["Gulf Star Trading", "Zagros Petrochemical Supply", "Kish Island Commerce",
            "Alborz Machinery", "Caspian Roe Export", "Pars Sepehr Shipping", "بازرگانی ستاره جنوب",
            "Simorgh Industrial", "Golestan Saffron", "Bandar Pearl Logistics"],
        company_forms: &["Co.", "PJS", "Ltd.", "سهامی خاص"],
        cities: &["Tehran", "تهران", "Mashhad", "Isfahan", "Tabriz", "Shiraz", "Bandar Abbas"],
    },
    // ------------------------------------------------------------------- Asia
    Country {
        code: "IN", name: "India", risk: GeoRisk::Medium,
        given_names: &["Aarav", "Priya", "Rohan", "Ananya", "अर्जुन", "Sneha", "Vikram", "लक्ष्मी",
            "Rahul", "Kavya", "Siddharth", "Meera", "आदित्य"],
        family_names: &["Sharma", "Patel", "Iyer", "Reddy", "Gupta", "Nair", "Mehta", "शर्मा",
            "Chatterjee", "Banerjee", "Kulkarni", "वर्मा", "Desai"],
        family_name_first: false,
        company_stems: &["Saffron Peak Exports", "Ganga Valley Textiles", "Deccan Circuit Technologies",
            "Malabar Spice Traders", "Kaveri Pharma Labs", "Himgiri Steel", "Lotus Facet Diamonds",
            "Konkan Coast Shipping", "Aravalli Infra Projects", "गंगा ट्रेडर्स"],
        company_forms: &["Pvt. Ltd.", "Ltd.", "LLP"],
        cities: &["Mumbai", "New Delhi", "Bengaluru", "Chennai", "Kolkata", "Hyderabad", "Surat"],
    },
    Country {
        code: "CN", name: "China", risk: GeoRisk::Medium,
        given_names: &["伟", "芳", "娜", "敏", "静", "磊", "洋", "婷", "浩然", "子涵", "欣怡", "晓明",
            "丽华", "Jianhua"],
        family_names: &["王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "欧阳",
            "Zhang"],
        family_name_first: true,
        company_stems: &["华星贸易", "东海明月物流", "金桥科技", "长江源实业", "瑞丰进出口", "鼎盛矿业",
            "蓝海船务", "天禾农业", "恒远投资", "Shenzhen Brightway Electronics"],
        company_forms: &["有限公司", "股份有限公司", "Co., Ltd."],
        cities: &["上海", "北京", "深圳", "广州", "Hangzhou", "成都", "天津"],
    },
    Country {
        code: "JP", name: "Japan", risk: GeoRisk::Low,
        given_names: &["翔太", "さくら", "Haruto", "陽菜", "Yui", "健一", "美咲", "大輔", "Ren", "由美",
            "拓也", "愛子", "Sōta"],
        family_names: &["佐藤", "鈴木", "高橋", "田中", "渡辺", "伊藤", "山本", "中村", "小林", "Katō",
            "吉田", "山口", "松本"],
        family_name_first: true,
        company_stems: &["サクラ貿易", "株式会社みなと物流", "富士見精機", "青葉商事", "星川ホールディングス",
            "Kaizen Link Systems", "浪速金属", "北斗海運", "Tsubame Pharma", "白鷺不動産"],
        company_forms: &["K.K.", "G.K.", "Co., Ltd."],
        cities: &["東京", "大阪", "Yokohama", "名古屋", "福岡", "札幌", "Kōbe"],
    },
    Country {
        code: "KR", name: "South Korea", risk: GeoRisk::Low,
        given_names: &["민준", "서연", "지훈", "하은", "Ji-woo", "도윤", "수빈", "Seo-yeon", "현우", "지민",
            "예준", "Min-seo", "은지"],
        family_names: &["김", "이", "박", "최", "정", "강", "조", "윤", "장", "임", "한", "Park", "Choi"],
        family_name_first: true,
        company_stems: &["한빛무역", "Haneul Logistics", "청솔건설", "새벽에너지", "Daehan Marine Tech",
            "미래바이오", "Gangnam Prime Capital", "푸른바다수산", "은하전자", "태백철강"],
        company_forms: &["Co., Ltd.", "Corp.", "(주)"],
        cities: &["서울", "부산", "Incheon", "대구", "Daejeon", "광주", "Ulsan"],
    },
    Country {
        code: "KP", name: "North Korea", risk: GeoRisk::High,
        given_names: &["철수", "영희", "Kwang-chol", "Myong-hui", "성진", "Chol-ho", "혜경", "Un-ha",
            "광철", "Sun-hui", "명철", "Kum-sun"],
        family_names: &["김", "리", "박", "최", "Ri", "Kang", "Jon", "Han", "오", "Ryu", "Pak", "Kim"],
        family_name_first: true,
        company_stems: &["Pyolbit Trading", "Taedong Silverline Export", "Unbit Ocean Shipping",
            "Haebit Mineral Development", "Sonbong Bluewave Maritime", "Kuryong Fisheries",
            "Namsan Precision Machinery", "Chilbo Trading", "Ryongsong Commerce",
            "Sinpo Star Technology"],
        company_forms: &["Corporation", "Trading Co.", "Joint Venture Co."],
        cities: &["Pyongyang", "평양", "Nampho", "Chongjin", "Sinuiju", "Wonsan"],
    },
    Country {
        code: "SG", name: "Singapore", risk: GeoRisk::Low,
        given_names: &["Wei Ling", "Jun Jie", "Nur Aisyah", "Muhammad Hafiz", "Priya", "Rajesh",
            "Hui Min", "Kai Xuan", "Farah", "Darren", "Chloe", "Arun", "Mei Xin"],
        family_names: &["Tan", "Lim", "Lee", "Ng", "Ong", "Wong", "Goh", "Chua", "Koh", "Teo", "Rahman",
            "Pillai", "Krishnan", "bin Abdullah"],
        family_name_first: false,
        company_stems: &["Merlion Bay Capital", "Straits Crest Shipping", "Orchid Lane Trading",
            "Lion City Fintech", "Pearl Cove Holdings", "Kallang Marine Services",
            "Jade Harbour Commodities", "Marina Crescent Ventures", "Pulau Gold Bunkering",
            "Rochor Electronics", "Bukit Timur Advisors"],
        company_forms: &["Pte. Ltd.", "Ltd.", "LLP", "VCC"],
        cities: &["Singapore", "Jurong", "Tampines", "Woodlands", "Tanjong Pagar", "Changi"],
    },
    Country {
        code: "VN", name: "Vietnam", risk: GeoRisk::Medium,
        given_names: &["Anh", "Minh", "Thảo", "Quang Huy", "Ngọc Lan", "Đức", "Phương", "Tuấn",
            "Hương", "Bảo Ngọc", "Thanh Tùng", "Mai", "Khánh Linh"],
        family_names: &["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng",
            "Bùi", "Đỗ", "Hồ"],
        family_name_first: true,
        company_stems: &["Sông Hồng Thương Mại", "Mekong Delta Seafood", "Hạ Long Logistics",
            "Sài Gòn Xanh", "Phú Quốc Pearl", "Trường Sơn Xây Dựng", "Lotus Hà Nội Garment",
            "Bến Thành Import Export", "Hoa Sen Vàng", "Vịnh Biển Đông Shipping"],
        company_forms: &["Công ty TNHH", "Công ty Cổ phần", "JSC", "Co., Ltd."],
        cities: &["Hà Nội", "Thành phố Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ", "Nha Trang"],
    },
    Country {
        code: "MM", name: "Myanmar", risk: GeoRisk::High,
        given_names: &["Aung", "Thandar", "Kyaw", "Su Myat", "Zaw", "Nilar", "Htet", "Ei Phyu",
            "Min Thu", "Khin", "Thura", "Hnin", "အောင်"],
        family_names: &["Win", "Oo", "Naing", "Htun", "Lwin", "Aye", "Thein", "Soe", "Myint", "Hlaing",
            "Zin", "Moe", "ဝင်း"],
        family_name_first: false,
        company_stems: &["Golden Irrawaddy Trading", "Shwe Taung Gems", "Ayeyar Timber Export",
            "Lotus Jade Mining", "Pyay Rice Milling", "Thanlwin River Logistics",
            "Inle Star Holdings", "Bagan Horizon Tourism", "Myitkyina Resources", "Kyaukpyu Marine"],
        company_forms: &["Co., Ltd.", "Ltd."],
        cities: &["Yangon", "Mandalay", "Naypyidaw", "Mawlamyine", "Taunggyi"],
    },
    // ---------------------------------------------------------------- Oceania
    Country {
        code: "AU", name: "Australia", risk: GeoRisk::Low,
        given_names: &["Jack", "Charlotte", "Lachlan", "Matilda", "Cooper", "Isabella", "Hamish",
            "Zoë", "Mitchell", "Ruby", "Darcy", "Sienna", "Tahlia"],
        family_names: &["Smith", "Nguyen", "O'Neill", "McPherson", "Kennedy-Walsh", "Papadopoulos",
            "Hughes", "Sutherland", "Rossi", "Clarke", "Barton", "Fitzroy", "Wu"],
        family_name_first: false,
        company_stems: &["Coral Sea Aquaculture", "Wattle Creek Pastoral", "Outback Iron Holdings",
            "Bondi Reef Ventures", "Kookaburra Freight", "Nullarbor Solar", "Murray Bend Vineyards",
            "Jacaranda Lane Property", "Pilbara Ore Logistics", "Bluegum Digital"],
        company_forms: &["Pty Ltd", "Ltd", "Trust"],
        cities: &["Sydney", "Melbourne", "Brisbane", "Perth", "Adelaide", "Gold Coast", "Darwin"],
    },
];

/// Industries with an illustrative product/service risk tier.
pub static INDUSTRIES: &[(&str, GeoRisk)] = &[
    ("Software and IT services", GeoRisk::Low),
    ("Retail (general merchandise)", GeoRisk::Low),
    ("Manufacturing", GeoRisk::Low),
    ("Agriculture and food production", GeoRisk::Low),
    ("Healthcare and pharmaceuticals", GeoRisk::Low),
    ("Telecommunications", GeoRisk::Low),
    ("Education and training", GeoRisk::Low),
    ("Management consulting", GeoRisk::Medium),
    ("Legal services", GeoRisk::Medium),
    ("Construction and civil engineering", GeoRisk::Medium),
    ("Shipping and freight forwarding", GeoRisk::Medium),
    ("Import / export trading", GeoRisk::Medium),
    ("Oil and gas", GeoRisk::Medium),
    ("Hospitality and restaurants", GeoRisk::Medium),
    ("Used vehicle dealership", GeoRisk::Medium),
    ("Private banking and wealth management", GeoRisk::Medium),
    ("Charities and NGOs", GeoRisk::Medium),
    ("Real estate", GeoRisk::High),
    ("Trust and company service provider", GeoRisk::High),
    ("Money services business", GeoRisk::High),
    ("Cryptoasset exchange", GeoRisk::High),
    ("Precious metals and stones dealing", GeoRisk::High),
    ("Casinos and online gambling", GeoRisk::High),
    ("Mining and extractives", GeoRisk::High),
    ("Arms and defence equipment", GeoRisk::High),
    ("Art and antiquities dealing", GeoRisk::High),
];

/// Politically exposed positions (domestic, foreign, international and close associates).
pub static PEP_POSITIONS: &[&str] = &[
    "Member of the Federal Parliament",
    "Member of the National Assembly",
    "Deputy Minister of Finance",
    "Minister of Energy and Mines",
    "State Secretary for Infrastructure",
    "Board member of a state-owned energy company",
    "Chief executive of a state-owned port authority",
    "Regional governor",
    "Spouse of a regional governor",
    "Son of a former Minister of the Interior",
    "Daughter of a sitting Supreme Court judge",
    "Judge of the Constitutional Court",
    "Ambassador to a neighbouring state",
    "Senior officer of the armed forces (Major General)",
    "Deputy governor of the central bank",
    "Mayor of a provincial capital",
    "Treasurer of a national political party",
    "Director of an international development organisation",
    "Known close business associate of a cabinet minister",
    "Head of the national customs service",
];

/// Sanctions lists as (list name, issuing authority).
pub static SANCTIONS_LISTS: &[(&str, &str)] = &[
    ("OFAC SDN List", "US Treasury"),
    (
        "OFAC Sectoral Sanctions Identifications List",
        "US Treasury",
    ),
    ("EU Consolidated Financial Sanctions", "European Union"),
    ("UK Sanctions List", "HM Treasury / OFSI"),
    ("UN Security Council Consolidated List", "United Nations"),
    ("SECO Sanctions", "Switzerland"),
    (
        "Consolidated Canadian Autonomous Sanctions List",
        "Global Affairs Canada",
    ),
    ("DFAT Consolidated List", "Australia"),
];

/// Sanctions programme tags in the style of list annotations.
pub static SANCTIONS_PROGRAMS: &[&str] = &[
    "RUSSIA-EO14024",
    "UKRAINE-EO13662",
    "IRAN",
    "IRAN-EO13902",
    "DPRK3",
    "CYBER2",
    "SDGT",
    "GLOMAG",
    "BELARUS-EO14038",
    "BURMA-EO14014",
];

/// Invented news outlets used as adverse media sources.
pub static MEDIA_OUTLETS: &[&str] = &[
    "The Meridian Ledger",
    "Baltic Business Wire",
    "Rhine Valley Courier",
    "Gulf Commerce Review",
    "Pacific Rim Monitor",
    "L'Observateur Financier du Sud",
    "The Harbour Gazette",
    "Andes Economic Daily",
    "Sahel Reporter",
    "Northern Lantern Times",
    "Eastgate Investigations Desk",
    "Il Corriere del Porto",
    "Danube Financial Chronicle",
    "Lagos Evening Dispatch",
    "Straits Market Watch",
    "Der Kompass Wirtschaftsdienst",
    "Mekong Business Journal",
    "Diário da Costa",
    "The Open Register Project",
];

/// Adverse media headline templates; `{name}` is the subject.
pub static ADVERSE_MEDIA_HEADLINES: &[&str] = &[
    "{name} named in probe into invoice fraud at port authority",
    "Prosecutors question {name} over inflated public works contracts",
    "{name} linked to offshore network used to move bribe payments",
    "Regulator fines {name} for repeated anti-money-laundering failures",
    "Leaked ledgers tie {name} to shell companies in three jurisdictions",
    "{name} arrested in connection with VAT carousel scheme",
    "Court freezes assets of {name} pending corruption trial",
    "{name} accused of shipping dual-use goods through third countries",
    "Tax authority opens case against {name} over undeclared foreign income",
    "Whistleblower alleges {name} ran cash-for-permits operation",
    "{name} among directors banned after collapse of investment scheme",
    "Customs officials seize cargo consigned by {name}",
    "{name} denies role in illegal logging supply chain",
    "Investigation: how {name} funnelled donations through a charity",
    "{name} convicted of market manipulation, appeal expected",
    "Police raid offices linked to {name} in fraud inquiry",
    "{name} faces civil suit over misappropriated pension funds",
    "Report links {name} to ransomware payment laundering",
    "{name} questioned over procurement of medical supplies during emergency",
    "Former employees say {name} ordered records destroyed before audit",
    "{name} settles bribery allegations without admitting wrongdoing",
    "Sanctioned tanker traced to vessel manager associated with {name}",
    "{name} named in cross-border human trafficking indictment",
    "Auditor resigns citing concerns over accounts of {name}",
    "{name} acquitted of embezzlement charges; prosecutors weigh appeal",
    "Environmental agency sues {name} over illegal waste dumping",
    "{name} under scrutiny for property purchases paid in cash",
];

/// Adverse media topic taxonomy.
pub static ADVERSE_MEDIA_TOPICS: &[&str] = &[
    "fraud",
    "bribery and corruption",
    "money laundering",
    "tax evasion",
    "sanctions evasion",
    "organised crime",
    "environmental crime",
    "cybercrime",
    "human trafficking",
    "market abuse",
    "terrorist financing",
    "regulatory enforcement",
];

/// Analyst-assistant assessments as (alert category, template).
pub static AI_ASSESSMENTS: &[(&str, &str)] = &[
    // PEP Match
    (
        "PEP Match",
        "The subject {name} matches the PEP record {matched} with a score of {score}; {dob_note}. Both records reference {country}, and the listed position is current. This looks like a likely true match. Recommend confirming the role with the client and applying enhanced due diligence, including source-of-wealth evidence.",
    ),
    (
        "PEP Match",
        "{name} partially matches {matched} on {list} (score {score}). The family name agrees but the given name differs by a transliteration variant; {dob_note}. The match is plausible but not conclusive. Suggest requesting a copy of the passport data page before deciding.",
    ),
    (
        "PEP Match",
        "The match between {name} and {matched} (score {score}) rests mainly on a common name in {country}; {dob_note}. The PEP record relates to a regional official, whereas the subject's declared occupation is unrelated. This is probably a false positive; recommend closing it with a documented rationale.",
    ),
    (
        "PEP Match",
        "{matched} is listed as a close associate of a senior official, and {name} matches at score {score}; {dob_note}. The association is indirect, but it is relevant to the risk rating. Recommend senior management sign-off if the relationship proceeds.",
    ),
    // Sanctions Hit
    (
        "Sanctions Hit",
        "{name} matches the designated party {matched} on {list} with a score of {score}; {dob_note}. The nationality on the designation is {country}, which matches the subject's profile. Treat this as a potential true match: do not process transactions, and escalate to the MLRO for a freeze assessment.",
    ),
    (
        "Sanctions Hit",
        "The hit against {matched} on {list} (score {score}) is driven by a shared surname and similar given-name tokens; {dob_note}. The designation also lists a nationality other than {country}. This is most likely a false positive; recommend verifying the identity document number and then discounting the hit.",
    ),
    (
        "Sanctions Hit",
        "{name} is not listed directly, but {matched} on {list} appears to own or control a related entity (score {score}). Ownership thresholds may bring the subject into scope. Recommend obtaining the full ownership chart and assessing aggregate sanctioned ownership before deciding.",
    ),
    // Adverse Media
    (
        "Adverse Media",
        "Three articles associate {name} with allegations of procurement fraud in {country}. The reporting comes from established outlets and is consistent across sources, although no charges appear to have been filed. Recommend recording the allegations and asking the client for an explanation. Source of funds should also be reviewed.",
    ),
    (
        "Adverse Media",
        "The article matched on {name} (score {score}) concerns a person of the same name in a different city and profession; {dob_note}. This is likely an unrelated individual; recommend discounting it and keeping the article reference on file.",
    ),
    (
        "Adverse Media",
        "Coverage from {list} reports that {name} was acquitted of embezzlement charges, and an appeal is pending. The match is strong (score {score}). The outcome mitigates the risk, but it does not remove it. Recommend enhanced monitoring and a review once the appeal is decided.",
    ),
    // Watchlist Match
    (
        "Watchlist Match",
        "{name} matches {matched} on {list} (score {score}); {dob_note}. The watchlist entry relates to a regulatory ban on acting as a company director in {country}. If confirmed, this is relevant to any directorship the subject holds. Recommend checking the regulator's register for the ban reference.",
    ),
    (
        "Watchlist Match",
        "The match to {matched} on {list} is weak (score {score}) and depends on a single common name token; {dob_note}. There is no overlap in address or nationality. This is probably a false positive; recommend closing it.",
    ),
    (
        "Watchlist Match",
        "{name} appears on {list} as {matched}, a law-enforcement wanted-persons entry (score {score}); {dob_note}. Given the nature of the list, treat this as high priority: do not alert the client, and escalate to the MLRO immediately.",
    ),
    // Identity Mismatch
    (
        "Identity Mismatch",
        "The name on the identity document, {matched}, differs from the application name {name}. The difference looks consistent with a middle name omitted at onboarding, and {dob_note}. Recommend updating the customer record after the client confirms, unless other attributes conflict.",
    ),
    (
        "Identity Mismatch",
        "The electronic identity check for {name} returned a partial match (score {score}): the date of birth agrees, but the registered address in {country} does not. Electoral and credit sources show no history for the subject. Recommend requesting a second photo identity document together with a recent utility bill.",
    ),
    (
        "Identity Mismatch",
        "The selfie-to-document comparison for {name} scored {score}, which is below the acceptance threshold. Poor image quality may explain the result, but the document photo also appears to show an older person. Recommend a supervised video verification call before any further processing.",
    ),
    // Document Expired
    (
        "Document Expired",
        "The passport on file for {name} has expired, and no replacement has been provided. The other due-diligence data remain consistent. This is an administrative gap rather than an indicator of risk. Recommend requesting a current document and pausing the periodic review until it arrives.",
    ),
    (
        "Document Expired",
        "The certificate of incorporation extract supplied for {name} is more than 12 months old, which exceeds policy. Recommend obtaining a fresh extract from the {country} registry and comparing the listed officers with those held on file.",
    ),
    (
        "Document Expired",
        "The proof of address for {name} is older than three months. The address itself matches the registry data. This is low risk; recommend requesting an updated document at the next contact.",
    ),
    // Document Tampering Suspected
    (
        "Document Tampering Suspected",
        "Forensic checks on the identity document submitted by {name} flagged inconsistent fonts in the date-of-birth field, and the MRZ check digits do not validate. This pattern is typical of an edited image. Recommend declining to rely on the document and escalating for a fraud review.",
    ),
    (
        "Document Tampering Suspected",
        "The bank statement provided by {name} contains metadata showing it was edited in image software after it was issued. The running balances do not reconcile on two lines. Recommend obtaining the statement directly from the issuing bank or through open banking.",
    ),
    (
        "Document Tampering Suspected",
        "The document check returned a tampering score of {score} for {name}. The indicators are weak and may be compression artefacts. Recommend a manual review of the original file before drawing any conclusion.",
    ),
    // Address Unverified
    (
        "Address Unverified",
        "The declared address for {name} in {country} could not be matched to any postal or registry source. The address may be a virtual office or a mail-forwarding service. Recommend requesting proof of residence and checking the address against known formation-agent addresses.",
    ),
    (
        "Address Unverified",
        "The address check for {name} returned only a partial match (score {score}): the street agrees, but the building number is absent from reference data. This may be a recently built property. Recommend accepting a utility bill or tenancy agreement as evidence.",
    ),
    (
        "Address Unverified",
        "The address supplied by {name} is shared by more than 200 registered companies. This is consistent with a registered-agent address rather than a trading or residential address. Recommend asking for the principal place of business.",
    ),
    // Company Registry Mismatch
    (
        "Company Registry Mismatch",
        "The registry record for {name} lists {matched} as a director, but this person is not among the officers declared by the client. The appointment was filed after onboarding. Recommend asking the client to confirm the current board and to provide identification for the new officer.",
    ),
    (
        "Company Registry Mismatch",
        "The registered name in the {country} registry is {matched}, which differs from the trading name {name} supplied by the client (score {score}). This may simply be a trading-name arrangement. Recommend recording the relationship and obtaining the registry extract.",
    ),
    (
        "Company Registry Mismatch",
        "The shareholding recorded in the registry for {name} differs from the declared ownership structure. The registry shows a new corporate shareholder, {matched}. Recommend obtaining an updated ownership chart and identifying the beneficial owners behind the new shareholder.",
    ),
    // Dissolved Company Officer
    (
        "Dissolved Company Officer",
        "{name} was a director of {matched}, which was dissolved following compulsory strike-off in {country}. One dissolved company on its own is common. Recommend noting the history, and checking for a pattern of short-lived companies.",
    ),
    (
        "Dissolved Company Officer",
        "{name} held directorships in four companies that were dissolved within 18 months of incorporation, including {matched}. This pattern can indicate phoenixing or the use of shell companies. Recommend a review of the subject's other appointments and a request for an explanation.",
    ),
    (
        "Dissolved Company Officer",
        "The officer match between {name} and a former director of {matched} scored {score}; {dob_note}. If this is the same person, the company was dissolved voluntarily with no outstanding liabilities. Recommend accepting it with a note on file.",
    ),
    // Unusual Transaction Pattern
    (
        "Unusual Transaction Pattern",
        "Account activity for {name} shows a series of cash deposits kept just below the reporting threshold over ten days, each followed by an outbound transfer to {country}. The pattern is consistent with structuring. Recommend escalating to the MLRO to consider a suspicious activity report.",
    ),
    (
        "Unusual Transaction Pattern",
        "Monthly turnover for {name} has risen sharply above the expected activity declared at onboarding. The counterparties are new and based in higher-risk jurisdictions. This may reflect business growth, but it is not yet explained. Recommend contacting the client for supporting invoices or contracts.",
    ),
    (
        "Unusual Transaction Pattern",
        "{name} received several incoming payments that were moved out within 24 hours to unrelated third parties, leaving a minimal balance. This rapid pass-through pattern is typical of a mule or layering account. Recommend restricting outbound payments pending a review.",
    ),
    // Source of Funds Unclear
    (
        "Source of Funds Unclear",
        "{name} declared the proceeds of a property sale as the source of the initial deposit, but the supporting completion statement has not been provided. The amount received is larger than typical local property values. Recommend obtaining the completion statement and the bank statement showing the proceeds.",
    ),
    (
        "Source of Funds Unclear",
        "The funds for {name} came from a third-party company account in {country} with no documented relationship to the subject. Third-party funding is a recognised risk indicator. Recommend asking the client to explain the relationship and to evidence its legitimacy.",
    ),
    (
        "Source of Funds Unclear",
        "{name} attributes the wealth to an inheritance, but the documents supplied do not name the subject as beneficiary. The explanation is plausible, but it is not yet evidenced. Recommend requesting the grant of probate or an equivalent estate document.",
    ),
];

/// Alert categories as (category, alert type).
pub static ALERT_CATEGORIES: &[(&str, &str)] = &[
    ("PEP Match", "Screening"),
    ("Sanctions Hit", "Screening"),
    ("Adverse Media", "Screening"),
    ("Watchlist Match", "Screening"),
    ("Identity Mismatch", "Identity"),
    ("Document Expired", "Document"),
    ("Document Tampering Suspected", "Document"),
    ("Address Unverified", "Identity"),
    ("Company Registry Mismatch", "Company"),
    ("Dissolved Company Officer", "Company"),
    ("Unusual Transaction Pattern", "Financial"),
    ("Source of Funds Unclear", "Financial"),
];

/// Short alert descriptions as (category, template with `{name}`).
pub static ALERT_DESCRIPTIONS: &[(&str, &str)] = &[
    (
        "PEP Match",
        "Screening returned a potential politically exposed person match for {name}.",
    ),
    (
        "PEP Match",
        "{name} may be a family member or close associate of a PEP.",
    ),
    (
        "Sanctions Hit",
        "Potential match for {name} against a consolidated sanctions list.",
    ),
    (
        "Sanctions Hit",
        "{name} may be owned or controlled by a designated party.",
    ),
    (
        "Adverse Media",
        "Negative news coverage found for {name} in ongoing media screening.",
    ),
    (
        "Adverse Media",
        "New adverse media article referencing {name} since last review.",
    ),
    (
        "Watchlist Match",
        "{name} potentially matches a regulatory or law-enforcement watchlist entry.",
    ),
    (
        "Watchlist Match",
        "Possible match for {name} on a disqualified-directors register.",
    ),
    (
        "Identity Mismatch",
        "Identity data provided by {name} does not match electronic verification sources.",
    ),
    (
        "Identity Mismatch",
        "Biometric check for {name} below acceptance threshold.",
    ),
    (
        "Document Expired",
        "Identity document on file for {name} has expired.",
    ),
    (
        "Document Expired",
        "Corporate document for {name} is older than policy allows.",
    ),
    (
        "Document Tampering Suspected",
        "Document submitted by {name} shows possible signs of alteration.",
    ),
    (
        "Document Tampering Suspected",
        "MRZ or security-feature validation failed for a document from {name}.",
    ),
    (
        "Address Unverified",
        "Residential or registered address for {name} could not be verified.",
    ),
    (
        "Address Unverified",
        "Address declared by {name} matches a known registered-agent or virtual office.",
    ),
    (
        "Company Registry Mismatch",
        "Registry data for {name} differs from information supplied at onboarding.",
    ),
    (
        "Company Registry Mismatch",
        "Officers or shareholders of {name} changed at the registry without notification.",
    ),
    (
        "Dissolved Company Officer",
        "{name} is or was an officer of one or more dissolved companies.",
    ),
    (
        "Dissolved Company Officer",
        "{name} linked to a pattern of short-lived company appointments.",
    ),
    (
        "Unusual Transaction Pattern",
        "Transaction monitoring rule triggered on account activity of {name}.",
    ),
    (
        "Unusual Transaction Pattern",
        "Activity for {name} significantly exceeds expected turnover.",
    ),
    (
        "Source of Funds Unclear",
        "Source of funds for {name} is not adequately evidenced.",
    ),
    (
        "Source of Funds Unclear",
        "Funds received for {name} originate from an unexplained third party.",
    ),
];

/// Analyst comments and case notes; some use `{name}`.
pub static COMMENTS: &[&str] = &[
    "Requested certified copy of the register of members from {name}; client says it will arrive Friday.",
    "Called the client contact; voicemail left. Will retry tomorrow morning.",
    "Passport copy received, but the corner is cropped off. Asked {name} to resend a full scan.",
    "Registry extract obtained and saved to the case file. Officers match declared list.",
    "Discussed with team lead: hit is on a common name, DOB differs by 11 years. Leaning false positive.",
    "Client explained the large incoming payment as proceeds of a machinery sale; invoice requested.",
    "Ownership chart from {name} shows a trust at the top. Need the trust deed and details of the protector.",
    "Adverse media article is from 2016 and relates to a dismissed civil claim. Noting for file.",
    "Utility bill accepted as proof of address; name and address match the application.",
    "Second-line QA asked for the source-of-wealth narrative to be expanded. Updating now.",
    "Relationship manager confirms {name} was introduced by an existing client in good standing.",
    "Translation of the Arabic commercial licence received; activity listed as general trading.",
    "Escalated to MLRO per policy because the sanctions hit could not be discounted at L1.",
    "Website for {name} registered three weeks ago; no trading history visible. Asking for contracts.",
    "Video call completed; face matches ID photo and client answered verification questions.",
    "Director's address is a formation agent in Limassol. Requested residential address.",
    "Waiting on bank reference letter from {name}'s previous bank. Chased again today.",
    "Tax residency self-certification missing TIN for second jurisdiction. Requested.",
    "Checked the disqualified-directors register: no entries found for {name}.",
    "Client is unhappy with the length of the review; explained the requirements politely and gave an ETA.",
    "Companies named in the transfer narrative do not appear in any registry we can access. Flagging.",
    "Source-of-funds evidence (payslips for the last 6 months) is consistent with the declared salary.",
    "Note: the UBO's spouse holds a position in a municipal council. Assessing PEP status.",
    "Duplicate alert; same hit reviewed and discounted in the last periodic review. Linking cases.",
    "Reminder set to follow up with {name} in 5 business days if documents are not received.",
    "Reviewed 12 months of statements. No cash deposits; counterparties are as expected for the sector.",
    "Document check flagged the MRZ. Sent to the fraud team for a second opinion before contacting the client.",
];

/// Closing summaries for approved cases.
pub static CLOSING_SUMMARIES_APPROVE: &[&str] = &[
    "All screening alerts for {name} were reviewed and discounted as false positives. Identity and address verified. Case approved at standard risk.",
    "Ownership and control of {name} fully established; beneficial owners verified and screened clear. Approved with periodic review in 36 months.",
    "PEP status of {name} confirmed (domestic, low-level role). Source of wealth evidenced and senior management approval obtained. Approved under EDD.",
    "Adverse media on {name} relates to historic, resolved matters with no conviction. Risk accepted; approved with annual review.",
    "Outstanding documents for {name} received and verified. No remaining concerns; case closed as approved.",
    "Transaction pattern for {name} explained by seasonal trading, supported by invoices. Alert closed; relationship continues.",
    "Registry discrepancy for {name} resolved after the client filed the updated officer list. Approved.",
];

/// Closing summaries for declined cases.
pub static CLOSING_SUMMARIES_DECLINE: &[&str] = &[
    "{name} confirmed as a true match to a sanctioned party. Relationship declined and reported in line with regulatory obligations.",
    "{name} did not provide the requested ownership information after three reminders. Unable to complete due diligence; application declined.",
    "Identity documents supplied by {name} were assessed as altered. Application declined and referred to the fraud team.",
    "Source of funds for {name} could not be evidenced and the explanation given was inconsistent. Declined; internal report submitted to the MLRO.",
    "Business model of {name} falls outside risk appetite (unlicensed money remittance). Declined.",
    "Ownership of {name} runs through nominee arrangements in multiple secrecy jurisdictions and UBOs could not be verified. Declined.",
    "Serious, credible adverse media linking {name} to bribery of public officials. Risk exceeds appetite; relationship exited.",
];

/// Resolution rationales as (resolution action, template with `{name}`/`{matched}`).
pub static RESOLUTION_RATIONALES: &[(&str, &str)] = &[
    (
        "Approve",
        "Due diligence on {name} is complete and all alerts have been resolved; risk is within appetite.",
    ),
    (
        "Approve",
        "Match with {matched} discounted; remaining information on {name} is consistent and verified.",
    ),
    (
        "Approve",
        "Evidence supplied by {name} satisfactorily addresses the open questions raised at review.",
    ),
    (
        "Decline",
        "{name} is a confirmed match to {matched}; onboarding is prohibited.",
    ),
    (
        "Decline",
        "{name} failed to provide mandatory due diligence documents within the allowed period.",
    ),
    (
        "Decline",
        "Risk presented by {name} exceeds the firm's appetite and cannot be mitigated by controls.",
    ),
    (
        "Escalate",
        "Potential true match between {name} and {matched} cannot be resolved at first line; referring to MLRO.",
    ),
    (
        "Escalate",
        "Indicators of possible money laundering identified for {name}; escalating for suspicious activity assessment.",
    ),
    (
        "Escalate",
        "PEP relationship for {name} requires senior management approval under policy.",
    ),
    (
        "Request Document",
        "Additional identity evidence required from {name} to distinguish from {matched}.",
    ),
    (
        "Request Document",
        "Source-of-funds documentation from {name} is incomplete; requesting bank statements and contracts.",
    ),
    (
        "Request Document",
        "Current registry extract and ownership chart needed from {name}.",
    ),
    (
        "Approve with Conditions",
        "{name} approved subject to enhanced monitoring given residual PEP exposure.",
    ),
    (
        "Approve with Conditions",
        "Approval for {name} conditional on receipt of outstanding source-of-wealth evidence within 30 days.",
    ),
    (
        "Approve with Conditions",
        "Residual adverse media risk for {name} accepted with restrictions on product access.",
    ),
    (
        "False Positive",
        "{name} and {matched} differ on date of birth and nationality; no other common identifiers.",
    ),
    (
        "False Positive",
        "Match between {name} and {matched} is driven by a common name only; secondary identifiers do not align.",
    ),
    (
        "False Positive",
        "{matched} is an entity while {name} is a natural person; hit discounted.",
    ),
    (
        "False Positive",
        "Article concerns a different person named {matched} in another country and profession.",
    ),
];

/// Conditions attached to an "Approve with Conditions" decision.
pub static CONDITIONS: &[&str] = &[
    "Enhanced monitoring for 12 months; refresh source-of-wealth evidence at next review.",
    "No cross-border payments to high-risk jurisdictions without prior compliance approval.",
    "Provide audited financial statements within 90 days of financial year-end.",
    "Annual re-screening of all beneficial owners and senior managing officials.",
    "Cash deposits capped at the declared monthly expected volume; excess to be reviewed.",
    "Relationship to be reviewed by senior management every 6 months while PEP status persists.",
    "Updated register of members to be supplied within 30 days of any ownership change.",
];

/// Reasons for escalating a case to a senior reviewer or MLRO.
pub static ESCALATION_REASONS: &[&str] = &[
    "Potential sanctions true match requiring MLRO determination",
    "Foreign PEP requiring senior management approval",
    "Suspicion of money laundering; SAR consideration",
    "Suspected document fraud",
    "Complex ownership structure with unverifiable beneficial owners",
    "High-risk jurisdiction exposure above appetite",
    "Credible adverse media alleging serious financial crime",
    "Customer refuses to provide required information",
    "Transaction activity inconsistent with customer profile",
];

/// Street names used for generated addresses.
pub static STREETS: &[&str] = &[
    "Harbour Road",
    "Station Street",
    "Kingsway",
    "Lindenstraße",
    "Am Marktplatz",
    "Rue des Tanneurs",
    "Avenue de la République",
    "Calle Mayor",
    "Via Garibaldi",
    "Keizersgracht",
    "Storgatan",
    "ulica Piękna",
    "Bahnhofstrasse",
    "Rua Augusta",
    "Avenida Insurgentes Sur",
    "Sheikh Zayed Road",
    "شارع التحرير",
    "İstiklal Caddesi",
    "улица Садовая",
    "MG Road",
    "中山路",
    "桜通り",
    "세종대로",
    "Đường Lê Lợi",
    "Οδός Ερμού",
    "Orchard Road",
    "Marine Parade",
    "Kenyatta Avenue",
];
