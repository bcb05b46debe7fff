//! English given names and their familiar forms: `Bill` is `William`, `Peggy` is `Margaret`.
//!
//! A customer signs one form and a clerk types the other, so to the name comparison they are
//! spellings of one name. Each line of the table is one name with its usual diminutives; a short
//! form that serves several names (`Al`: Albert, Alan, Alfred) stands on each of their lines, and
//! two forms are the same name when they share a line.

use std::collections::HashMap;
use std::sync::OnceLock;

const TABLE: &str = "
abigail abby abbie gail
abraham abe bram
alan al allan allen
albert al bert bertie
alexander alex alec sandy xander lex
alexandra alex alexa sandra sandy lexi
alfred al alf alfie fred freddie
alice allie ally
alison ali allie ally
amanda mandy manda
andrew andy drew
angela angie
anthony tony ant
antonio tony
arthur art artie
barbara barb barbie babs
benjamin ben benny benji
bernard bernie
beverly bev
bradley brad
brian bri
bridget biddy bridie
caroline carrie carol
catherine cathy cat kate katie kay
katherine kathy kate katie kat kay
kathleen kathy kate katie
charles charlie chuck chas chaz
charlotte lottie charlie
christina chris tina chrissy
christine chris tina chrissy
christopher chris kit topher
cynthia cindy
daniel dan danny
danielle dani
david dave davey
deborah debbie deb debra
dennis denny
diana di
dominic dom
donald don donnie
dorothy dot dottie dolly
douglas doug
edward ed eddie ted teddy ned
edwin ed eddie
eleanor ellie nell nora
elizabeth liz lizzie beth betty betsy eliza libby lisa
emily em emmy
eugene gene
frances fran frankie
francis frank fran
franklin frank
frederick fred freddie
gabriel gabe
gabrielle gabby
geoffrey geoff jeff
gerald gerry jerry
gregory greg
harold harry hal
harriet hattie
henry harry hank hal
isaac ike
isabella bella izzy
jacob jake
james jim jimmy jamie
janet jan
jeffrey jeff
jennifer jen jenny jenn
jessica jess jessie
joanne jo
john jack johnny jon
jonathan jon jonny nathan
joseph joe joey
joshua josh
judith judy
julia julie
katelyn kate katie
kenneth ken kenny
kimberly kim
lawrence larry laurie
leonard leo len lenny
louis lou
madeline maddie maddy
margaret maggie meg peggy marge madge greta
martin marty
matthew matt
melissa mel missy
michael mike mikey mick mickey
michelle shelly
mitchell mitch
nathan nate
nathaniel nate nat
nicholas nick nicky
nicole nikki
pamela pam
patricia pat patty trish tricia
patrick pat paddy
peter pete
philip phil
phillip phil
rachel rach
raymond ray
rebecca becky becca
richard rick ricky dick rich richie
robert bob bobby rob robbie bert
ronald ron ronnie
rosemary rose rosie
samantha sam sammy
samuel sam sammy
sandra sandy
sarah sally sadie
stephanie steph stevie
stephen steve stevie
steven steve stevie
susan sue susie suzy
suzanne sue susie suzy
terence terry
theodore ted teddy theo
theresa terry tess tessa
thomas tom tommy
timothy tim timmy
valerie val
victoria vicky tori
vincent vince vinny
walter walt wally
william will bill billy willie liam
zachary zach zack
";

fn groups() -> &'static HashMap<&'static str, Vec<u16>> {
    static GROUPS: OnceLock<HashMap<&'static str, Vec<u16>>> = OnceLock::new();
    GROUPS.get_or_init(|| {
        let mut map: HashMap<&'static str, Vec<u16>> = HashMap::new();
        for (i, line) in TABLE.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            for name in line.split_whitespace() {
                map.entry(name).or_default().push(i as u16);
            }
        }
        map
    })
}

/// Whether two lower-case given names are one name in two forms (`bill`, `william`; `bob`,
/// `robbie`). A name is not its own nickname: equal names are left to the caller.
pub fn same_name(a: &str, b: &str) -> bool {
    if a == b {
        return false;
    }
    let g = groups();
    match (g.get(a), g.get(b)) {
        (Some(x), Some(y)) => x.iter().any(|i| y.contains(i)),
        _ => false,
    }
}

/// The other forms of a lower-case given name (`bill` → `billy`, `will`, `william` …).
pub fn forms(name: &str) -> &'static [&'static str] {
    static FORMS: OnceLock<HashMap<&'static str, Vec<&'static str>>> = OnceLock::new();
    let all = FORMS.get_or_init(|| {
        let g = groups();
        g.iter()
            .map(|(&name, lines)| {
                let mut out: Vec<&'static str> = g
                    .iter()
                    .filter(|(n, l)| **n != name && l.iter().any(|i| lines.contains(i)))
                    .map(|(n, _)| *n)
                    .collect();
                out.sort_unstable();
                (name, out)
            })
            .collect()
    });
    all.get(name).map_or(&[], Vec::as_slice)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn familiar_forms_meet_their_names() {
        assert!(same_name("bill", "william"));
        assert!(same_name("peggy", "margaret"));
        assert!(same_name("bob", "robbie"));
        assert!(same_name("al", "alfred"));
        assert!(!same_name("alfred", "albert"));
        assert!(!same_name("john", "mary"));
        assert!(!same_name("john", "john"));
        assert!(!same_name("zzz", "william"));
        assert!(forms("kim").contains(&"kimberly"));
        assert!(forms("zzz").is_empty());
    }
}
