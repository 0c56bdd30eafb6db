"""What the demo world says: its people, the café's and the shop's posts, replies, the
open-mic thread, the cinnamon-bun-day hashtag, the poll and the direct messages, in Finnish
and English (each post written by someone who speaks its language)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from porina.accounts.operators import Role
from porina.demo import photos

DEMO_PASSWORD = "porina-demo"
EMAIL_DOMAIN = "porina.example"
CAFE = "kahvila"
SHOP = "puoti"
ADMIN = "admin"
RANDOM_SEED = 2024


@dataclass(frozen=True, slots=True)
class Person:
    username: str
    name: str
    lang: str
    bio: str = ""


PEOPLE: list[Person] = [
    Person("aino", "Aino Virtanen", "fi", "Kaupunkipyöräilijä ja kardemummapullien ystävä."),
    Person("emma", "Emma Clarke", "en", "Designer in Helsinki. Oat flat white, always."),
    Person("eero", "Eero Korhonen", "fi", "Ohjelmoija. Espresso ennen kymmentä, ei sen jälkeen."),
    Person("oliver", "Oliver Bennett", "en", "Photographer. I chase light and cinnamon buns."),
    Person("helmi", "Helmi Mäkinen", "fi", "Opiskelija, lautapelit, Kallio."),
    Person(
        "sophie", "Sophie Turner", "en", "Moved from Leeds to Helsinki. Learning Finnish slowly."
    ),
    Person("juho", "Juho Nieminen", "fi", "Isä, kokki, juoksija."),
    Person("grace", "Grace Patel", "en", "Nurse on night shifts; coffee is a food group."),
    Person("kaisa", "Kaisa Heikkinen", "fi", "Kirjastonhoitaja. Suosittelen kirjoja pyytämättä."),
    Person("jack", "Jack Morgan", "en", "Remote worker. This café is my office on Fridays."),
    Person("lauri", "Lauri Koskinen", "fi", "Muusikko. Soitan joskus kahvilan open micissä."),
    Person("chloe", "Chloe Evans", "en", "Baker at heart, accountant on paper."),
    Person("minna", "Minna Järvinen", "fi", "Kahvilan kanta-asiakas vuodesta 2019."),
    Person("liam", "Liam O'Connor", "en", "Cyclist, climber, bad at latte art."),
    Person("otto", "Otto Lehtonen", "fi", "Valokuvaaja ja koiranulkoiluttaja."),
    Person("mia", "Mia Robinson", "en", "Exchange student. Sauna convert."),
    Person("pihla", "Pihla Laine", "fi", "Kasvisruokaa ja kaurajuomaa."),
    Person("noah", "Noah Fischer", "en", "Product manager. Polls are my love language."),
    Person("sami", "Sami Hämäläinen", "fi", "Taksikuski. Tiedän kaupungin parhaat kahvit."),
    Person("zoe", "Zoe Campbell", "en", "Illustrator. Sketching people in cafés."),
    Person("tuuli", "Tuuli Salminen", "fi", "Joogaopettaja, teen juoja (anteeksi)."),
    Person("harry", "Harry Walsh", "en", "Retired teacher. Crosswords and cortados."),
    Person("ville", "Ville Rantanen", "fi", "Kaupunkisuunnittelija. Helsinki on paras."),
    Person("ruby", "Ruby Hughes", "en", "Writing a novel, one flat white at a time."),
    Person("venla", "Venla Lindholm", "fi", "Lukiolainen, vegaani, kissaihminen."),
    Person("daniel", "Daniel Kim", "en", "Barista trainer. Ask me about extraction."),
    Person("onni", "Onni Karjalainen", "fi", "Eläkeläinen, aamukahvi klo 6."),
    Person("ethan", "Ethan Brooks", "en", "Startup founder. Meetings at the corner table."),
    Person("iida", "Iida Savolainen", "fi", "Graafikko ja kasvien hoitaja."),
    Person("mikko", "Mikko Ahonen", "fi", "Jääkiekkoa ja tummapaahtoa."),
]

CAFE_POSTS: list[tuple[str, str]] = [
    ("fi", "Hyvää huomenta! Ovet auki klo 7, ja uunista tulee juuri korvapuusteja. #kahvi #porina"),
    ("en", "Good morning, Helsinki! Doors open at 7 and the first cinnamon buns are out. #kahvi"),
    ("fi", "Viikon kahvi: etiopialainen Yirgacheffe, kukkainen ja kevyt. Tule maistamaan! #kahvi"),
    ("en", "New this week: oat-milk cardamom latte. Tell us what you think! #porina"),
    ("fi", "Perjantaina open mic klo 18. Ilmoittaudu tiskillä tai vastaa tähän. #helsinki #porina"),
    ("en", "Rainy day? Our window seats are free and the soup of the day is tomato. #helsinki"),
    ("fi", "Kiitos kaikille lauantaista, jono ulottui kulman taakse asti! ☕ #porina"),
    ("en", "We compost all our coffee grounds. Bring a jar and take some home for your plants."),
    ("fi", "Uusi kausimenu: puolukka-kaurapiirakka ja glögilatte. #kahvi #helsinki"),
    ("en", "Reminder: bring your own cup and get 20 cents off. Small things add up. #porina"),
]

PEOPLE_POSTS: list[tuple[str, str]] = [
    ("fi", "Aamun paras hetki: ensimmäinen kuppi ja hiljainen kahvila. #kahvi"),
    ("en", "The cardamom latte at @kahvila is dangerously good. #porina"),
    ("fi", "Sataa taas. Onneksi on kahvia. #helsinki"),
    ("en", "Spent the whole afternoon sketching at the window table. Bliss. #helsinki"),
    ("fi", "Kuka muu odottaa perjantain open micia? #porina"),
    ("en", "Hot take: filter coffee is underrated. #kahvi"),
    ("fi", "Löysin Kalliosta uuden lempipuiston. Kävelylle kahvin kanssa? #helsinki"),
    ("en", "Finnish lesson of the day: 'kahvi' is coffee, 'pulla' is happiness."),
    ("fi", "Juoksin aamulla kympin ja palkitsin itseni korvapuustilla. #porina"),
    ("en", "Night shift done. Espresso, then bed. In that order somehow."),
    ("fi", "Kirjastossa tänään satutunti. Sen jälkeen kaakaolle!"),
    ("en", "Working from the café again; the wifi is faster than mine at home. #porina"),
    ("fi", "Soitin eilen ensimmäistä kertaa yleisölle. Jännitti, mutta ihanaa!"),
    ("en", "Baked my first batch of korvapuusti. They look nothing like the café's. #kahvi"),
    ("fi", "Kanta-asiakaskortti täynnä taas. Ilmainen kuppi, kiitos! #kahvi #porina"),
    ("en", "Cycled along the shore this morning. Helsinki in autumn is unfair. #helsinki"),
    ("fi", "Koira sai kahvilasta vesikupin ja rapsutuksia. Paras paikka. #porina"),
    ("en", "First sauna, then ice swimming, then coffee. I understand Finland now. #helsinki"),
    ("fi", "Kaurajuoma vai maito cappuccinoon? Kommentoi. #kahvi"),
    ("en", "Which is better for a first date: coffee or a walk? Asking for a friend."),
    ("fi", "Taksissa kuulee parhaat kahvilasuositukset. Tänään kolme uutta. #helsinki"),
    ("en", "Drew the barista's hands making latte art. Hardest thing I've drawn all year."),
    ("fi", "Joogan jälkeen teetä. Anteeksi, kahvin ystävät. #porina"),
    ("en", "Today's crossword had 'Finnish coffee bread' as a clue. Pulla, obviously."),
    ("fi", "Uusi pyöräkaista Hämeentielle on valmis. Nyt pyörällä kahville! #helsinki"),
    ("en", "Chapter twelve written. Two flat whites. Worth it. #kahvi"),
    ("fi", "Vegaaninen korvapuusti on yhtä hyvä kuin tavallinen. Sanoin sen. #porina"),
    ("en", "Dialled in a new grinder today. Extraction 20% and tasting like fruit. #kahvi"),
    ("fi", "Aamukahvi kuudelta, kuten aina. Lehti ja hiljaisuus."),
    ("en", "Our team standup moved to the corner table. Productivity up 30%. #porina"),
    ("fi", "Viherkasvit voivat hyvin kahvinporoista. Kiitos vinkistä! #kahvi"),
    ("fi", "Peli alkaa seitsemältä. Tumma paahto valmiina. #helsinki"),
    ("en", "Does anyone know a good place to watch the sunset near Kaivopuisto? #helsinki"),
    ("fi", "Lautapeli-ilta kahvilassa oli menestys. Ensi kerralla uudestaan! #porina"),
    ("en", "Learned the word 'porina' today: the murmur of many people talking. Lovely."),
    ("fi", "Töihin kävellessä näin kaksi oravaa ja yhden hyvin väsyneen kuriirin. #helsinki"),
    ("en", "Tried the oat-milk cardamom latte. Verdict: yes. #porina"),
    ("fi", "Kahvi + kirja + sadepäivä = täydellinen lauantai. #kahvi"),
    ("en", "Quiet Sunday. Cortado, crossword, nobody in a hurry."),
    ("fi", "Tänään opin, että kahvipavut ovat oikeastaan siemeniä. #kahvi"),
    ("en", "Tip: the café's soup of the day sells out by one. Plan accordingly. #porina"),
    ("fi", "Metro seisoo taas. Kävelin ja löysin matkalta uuden leipomon. #helsinki"),
    ("en", "Three weeks of Finnish classes and I ordered coffee without switching to English!"),
    ("fi", "Pakkasta -15 ja kahvilassa +22. Tiedätte mihin menen. #kahvi #helsinki"),
    ("en", "Cortado vs flat white: the difference is smaller than the argument. #kahvi"),
    ("fi", "Tein kotona kahvilan ohjeella kardemummalattea. Melkein yhtä hyvää. #porina"),
    ("en", "Someone left a lovely note on the community board at the café. Made my day."),
    ("fi", "Vappuna piknik Kaivopuistossa, termarissa tietysti kahvia. #helsinki"),
    ("en", "Seven years of Helsinki and the sea still surprises me every morning. #helsinki"),
    ("fi", "Open mic -ilta oli täynnä. Kiitos kaikille kuulijoille! #porina"),
]

REPLIES: list[tuple[str, str]] = [
    ("fi", "Samaa mieltä!"),
    ("en", "Totally agree!"),
    ("fi", "Tämä! Nähdään siellä."),
    ("en", "Saving this for later."),
    ("fi", "Kaurajuoma, aina."),
    ("en", "Ha, same here."),
    ("fi", "Kiitos vinkistä!"),
    ("en", "This made my morning."),
    ("fi", "Pitää kokeilla ensi viikolla."),
    ("en", "Count me in!"),
    ("fi", "Ihana kuva!"),
    ("en", "How long did that take?"),
    ("fi", "Olin siellä myös!"),
    ("en", "Great tip, thank you."),
    ("fi", "No nyt tuli kahvin himo."),
    ("en", "Oh no, now I want one too."),
    ("fi", "Hyvä kysymys. Maito!"),
    ("en", "Walk, then coffee. Best of both."),
    ("fi", "Onnea! Ensimmäinen keikka on iso juttu."),
    ("en", "Welcome to Helsinki!"),
]

CONTENT_WARNINGS: list[tuple[str, str, str]] = [
    ("en", "season finale spoilers", "I can't believe they left the café owner out of the finale."),
    ("fi", "ruokakuva, kermaa", "Laskiaispulla, jossa on enemmän kermaa kuin pullaa. Ei kadu."),
    ("en", "rant about rent", "Rents near the city centre are wild. Small cafés deserve better."),
    ("fi", "juonipaljastus: kirja", "Kirjan lopussa kahvilan omistaja onkin murhaaja. Mitä?!"),
    ("en", "caffeine overload", "Four espressos before noon. My hands are vibrating. #kahvi"),
]


POLL_TEXT = "Mikä tulisi seuraavaksi kausimenuun? / What should join the seasonal menu? #porina"
POLL_OPTIONS = [
    "Mustikkapiirakka / Blueberry pie",
    "Runebergintorttu",
    "Chai latte",
    "Lakritsimokka / Liquorice mocha",
]

DM_THREAD: list[tuple[str, str]] = [
    ("aino", "@kahvila Hei! Onko teillä gluteenittomia korvapuusteja lauantaina?"),
    (CAFE, "@aino Hei Aino! Lauantaina on gluteenittomia pullia klo 10 alkaen. Varataanko kaksi?"),
    ("aino", "@kahvila Kyllä kiitos, haen ne yhdeltätoista. Ihanaa!"),
]

PEOPLE_DM: list[tuple[str, str]] = [
    ("emma", "@sophie Are you coming to the open mic on Friday? I'll save you a seat."),
    ("sophie", "@emma Yes please! I'll bring the cardamom buns this time."),
]


@dataclass(frozen=True, slots=True)
class Business:
    username: str
    name: str
    bio: str
    fields: list[tuple[str, str]]


BUSINESSES: list[Business] = [
    Business(
        CAFE,
        "Kahvila Porina",
        "Kallion olohuone vuodesta 2016: omaa paahtoa, korvapuusteja ja open mic perjantaisin. "
        "Kallio's living room since 2016: our own roast, cinnamon buns, open mic on Fridays.",
        [("Auki / Open", "ma-pe 7-19, la-su 9-17"), ("Osoite", "Fleminginkatu 12, Helsinki")],
    ),
    Business(
        SHOP,
        "Puoti Kallio",
        "Käsintehtyä keramiikkaa, printtejä ja kynttilöitä Kalliosta. "
        "Handmade ceramics, prints and candles from Kallio.",
        [("Auki / Open", "ti-la 11-18"), ("Osoite", "Vaasankatu 5, Helsinki")],
    ),
]
OPERATORS: list[tuple[str, str, Role]] = [
    (CAFE, "daniel", "manager"),
    (CAFE, "minna", "agent"),
    (SHOP, "iida", "manager"),
    (SHOP, "zoe", "agent"),
]
"""(brand account, person, role): the staff who post and answer as the café and the shop."""

SHOP_POSTS: list[tuple[str, str]] = [
    ("fi", "Uusi erä kahvikuppeja tuli uunista. Jokainen lasite on vähän erilainen. #puoti"),
    ("en", "Open late on Thursday for the Kallio art walk. Come say hi! #helsinki #puoti"),
    ("fi", "Talvikauden kynttilät ovat täällä: kaneli, kardemumma ja havu. #puoti"),
]


@dataclass(frozen=True, slots=True)
class Photo:
    """A post with pictures; ``alt`` is written in the post's language."""

    author: str
    lang: str
    text: str
    pictures: list[tuple[Callable[[], bytes], str]]


PHOTOS: list[Photo] = [
    Photo(
        CAFE,
        "fi",
        "Päivän latte-taide: sydän. #kahvi #porina",
        [
            (
                photos.latte,
                "Latte valkoisessa kupissa ylhäältä kuvattuna, maitovaahtoon piirretty sydän.",
            )
        ],
    ),
    Photo(
        CAFE,
        "en",
        "Fresh from the oven: korvapuusti, Finnish cinnamon buns. #kahvi #korvapuusti",
        [
            (
                photos.buns,
                "Six cinnamon buns on a baking tray, spiralled and sprinkled with pearl sugar.",
            )
        ],
    ),
    Photo(
        CAFE,
        "fi",
        "Vitriini täynnä! Voisarvia ja marjatorttuja, ja mustikkapiirakkaa riittää iltaan asti.",
        [
            (
                photos.counter,
                "Kahvilan vitriini: ylähyllyllä voisarvia, alahyllyllä marjatorttuja.",
            ),
            (photos.pie, "Pala mustikkapiirakkaa valkoisella lautasella, vieressä kermavaahtoa."),
        ],
    ),
    Photo(
        SHOP,
        "fi",
        "Hylly täyttyi taas: mukeja ja maljakoita neljällä lasitteella. #puoti #helsinki",
        [
            (
                photos.shelf,
                "Kaksi puuhyllyä täynnä sinisiä, terrakotan, kermanvalkoisia ja vihreitä "
                "mukeja ja maljakoita.",
            )
        ],
    ),
    Photo(
        SHOP,
        "en",
        "Our screen-printed totes are back: sun over the hills, in three inks. #puoti",
        [
            (
                photos.totes,
                "Three cream tote bags hanging on a rail, printed with a sun over hills "
                "in red, blue and green.",
            )
        ],
    ),
    Photo(
        SHOP,
        "fi",
        "Pimeinä iltoina kynttilänvalo. Käsin valettu Kalliossa. #puoti",
        [
            (
                photos.candles,
                "Kolme palavaa pöytäkynttilää hämärässä huoneessa, lämmin valo hohtaa seinällä.",
            )
        ],
    ),
    Photo(
        "otto",
        "fi",
        "Auringonlasku Kaivopuistossa. #helsinki",
        [(photos.harbour, "Aurinko laskee mereen, edessä kaksi metsäistä saarta siluettina.")],
    ),
    Photo(
        "zoe",
        "en",
        "Sketched the café interior this morning. #porina #helsinki",
        [
            (
                photos.interior,
                "A cosy café with three tall windows, two round wooden tables and a potted plant.",
            )
        ],
    ),
]

THREAD_START = (
    CAFE,
    "fi",
    "Perjantain open mic: kuka esiintyy? Lavalle mahtuu kuusi. Kirjoita nimesi tähän! #porina",
)
THREAD: list[tuple[str, str, str, int]] = [
    ("lauri", "fi", "Minä! Kaksi omaa biisiä ja yksi Juicen.", 0),
    ("helmi", "fi", "Luen runon, jos uskallan.", 0),
    ("emma", "en", "Can I do a short English set? Three songs on ukulele.", 0),
    (CAFE, "fi", "Ehdottomasti! Lauri, Helmi ja Emma listalla.", 1),
    ("sophie", "en", "I'll be in the front row cheering for everyone.", 3),
    ("lauri", "fi", "Tuon kitaran lisäksi cajonin, jos joku haluaa säestää.", 4),
]
"""Replies to the café's open-mic post: (author, language, text, the index of the post it
answers: 0 is the café's post, n the n-th reply)."""

TRENDING: list[tuple[str, str, str]] = [
    ("aino", "fi", "Korvapuustipäivä! Kolme pullaa ja yksi kahvi, se on tasapaino. #korvapuusti"),
    ("oliver", "en", "Cinnamon bun day in Helsinki means queues at every bakery. #korvapuusti"),
    ("juho", "fi", "Leivoin lasten kanssa 40 korvapuustia. Jäljellä on neljä. #korvapuusti"),
    ("chloe", "en", "My korvapuusti finally look like the café's. Progress! #korvapuusti"),
    ("minna", "fi", "Kahvilan korvapuusti on edelleen kaupungin paras. #korvapuusti #porina"),
    ("mia", "en", "Nobody told me Finland has a whole day for cinnamon buns. #korvapuusti"),
    ("pihla", "fi", "Vegaaninen korvapuusti, kaurajuoma ja sadepäivä. #korvapuusti"),
    ("daniel", "en", "Cardamom, cinnamon and a dark roast: the perfect pairing. #korvapuusti"),
]
"""Cinnamon bun day: one hashtag used by many people at once, so it trends."""
