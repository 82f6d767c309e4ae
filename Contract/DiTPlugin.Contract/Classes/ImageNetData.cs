#nullable enable
// Generated from the ImageNet-1k (ILSVRC2012) class list by build/unity/make_imagenet_classes.py: see Plugin/README.md, "ImageNet class list".
// Names: Debian opencv-doc 4.6.0+dfsg-12, examples/data/dnn/classification_classes_ILSVRC2012.txt (Apache-2.0 AND BSD-3-Clause).
// Ids: WordNet 3.0 noun offsets (Debian wordnet-base 1:3.0-37, WordNet licence), matched to each line's word list.
// One line per class in the standard index order 0..999: "<wnid> <name>, <synonym>, ...".
namespace DiTPlugin.Contract.Classes
{
    internal static class ImageNetData
    {
        internal const string Synsets =
            "n01440764 tench, Tinca tinca\n" +
            "n01443537 goldfish, Carassius auratus\n" +
            "n01484850 great white shark, white shark, man-eater, man-eating shark, Carcharodon carcharias\n" +
            "n01491361 tiger shark, Galeocerdo cuvieri\n" +
            "n01494475 hammerhead, hammerhead shark\n" +
            "n01496331 electric ray, crampfish, numbfish, torpedo\n" +
            "n01498041 stingray\n" +
            "n01514668 cock\n" +
            "n01514859 hen\n" +
            "n01518878 ostrich, Struthio camelus\n" +
            "n01530575 brambling, Fringilla montifringilla\n" +
            "n01531178 goldfinch, Carduelis carduelis\n" +
            "n01532829 house finch, linnet, Carpodacus mexicanus\n" +
            "n01534433 junco, snowbird\n" +
            "n01537544 indigo bunting, indigo finch, indigo bird, Passerina cyanea\n" +
            "n01558993 robin, American robin, Turdus migratorius\n" +
            "n01560419 bulbul\n" +
            "n01580077 jay\n" +
            "n01582220 magpie\n" +
            "n01592084 chickadee\n" +
            "n01601694 water ouzel, dipper\n" +
            "n01608432 kite\n" +
            "n01614925 bald eagle, American eagle, Haliaeetus leucocephalus\n" +
            "n01616318 vulture\n" +
            "n01622779 great grey owl, great gray owl, Strix nebulosa\n" +
            "n01629819 European fire salamander, Salamandra salamandra\n" +
            "n01630670 common newt, Triturus vulgaris\n" +
            "n01631663 eft\n" +
            "n01632458 spotted salamander, Ambystoma maculatum\n" +
            "n01632777 axolotl, mud puppy, Ambystoma mexicanum\n" +
            "n01641577 bullfrog, Rana catesbeiana\n" +
            "n01644373 tree frog, tree-frog\n" +
            "n01644900 tailed frog, bell toad, ribbed toad, tailed toad, Ascaphus trui\n" +
            "n01664065 loggerhead, loggerhead turtle, Caretta caretta\n" +
            "n01665541 leatherback turtle, leatherback, leathery turtle, Dermochelys coriacea\n" +
            "n01667114 mud turtle\n" +
            "n01667778 terrapin\n" +
            "n01669191 box turtle, box tortoise\n" +
            "n01675722 banded gecko\n" +
            "n01677366 common iguana, iguana, Iguana iguana\n" +
            "n01682714 American chameleon, anole, Anolis carolinensis\n" +
            "n01685808 whiptail, whiptail lizard\n" +
            "n01687978 agama\n" +
            "n01688243 frilled lizard, Chlamydosaurus kingi\n" +
            "n01689811 alligator lizard\n" +
            "n01692333 Gila monster, Heloderma suspectum\n" +
            "n01693334 green lizard, Lacerta viridis\n" +
            "n01694178 African chameleon, Chamaeleo chamaeleon\n" +
            "n01695060 Komodo dragon, Komodo lizard, dragon lizard, giant lizard, Varanus komodoensis\n" +
            "n01697457 African crocodile, Nile crocodile, Crocodylus niloticus\n" +
            "n01698640 American alligator, Alligator mississipiensis\n" +
            "n01704323 triceratops\n" +
            "n01728572 thunder snake, worm snake, Carphophis amoenus\n" +
            "n01728920 ringneck snake, ring-necked snake, ring snake\n" +
            "n01729322 hognose snake, puff adder, sand viper\n" +
            "n01729977 green snake, grass snake\n" +
            "n01734418 king snake, kingsnake\n" +
            "n01735189 garter snake, grass snake\n" +
            "n01737021 water snake\n" +
            "n01739381 vine snake\n" +
            "n01740131 night snake, Hypsiglena torquata\n" +
            "n01742172 boa constrictor, Constrictor constrictor\n" +
            "n01744401 rock python, rock snake, Python sebae\n" +
            "n01748264 Indian cobra, Naja naja\n" +
            "n01749939 green mamba\n" +
            "n01751748 sea snake\n" +
            "n01753488 horned viper, cerastes, sand viper, horned asp, Cerastes cornutus\n" +
            "n01755581 diamondback, diamondback rattlesnake, Crotalus adamanteus\n" +
            "n01756291 sidewinder, horned rattlesnake, Crotalus cerastes\n" +
            "n01768244 trilobite\n" +
            "n01770081 harvestman, daddy longlegs, Phalangium opilio\n" +
            "n01770393 scorpion\n" +
            "n01773157 black and gold garden spider, Argiope aurantia\n" +
            "n01773549 barn spider, Araneus cavaticus\n" +
            "n01773797 garden spider, Aranea diademata\n" +
            "n01774384 black widow, Latrodectus mactans\n" +
            "n01774750 tarantula\n" +
            "n01775062 wolf spider, hunting spider\n" +
            "n01776313 tick\n" +
            "n01784675 centipede\n" +
            "n01795545 black grouse\n" +
            "n01796340 ptarmigan\n" +
            "n01797886 ruffed grouse, partridge, Bonasa umbellus\n" +
            "n01798484 prairie chicken, prairie grouse, prairie fowl\n" +
            "n01806143 peacock\n" +
            "n01806567 quail\n" +
            "n01807496 partridge\n" +
            "n01817953 African grey, African gray, Psittacus erithacus\n" +
            "n01818515 macaw\n" +
            "n01819313 sulphur-crested cockatoo, Kakatoe galerita, Cacatua galerita\n" +
            "n01820546 lorikeet\n" +
            "n01824575 coucal\n" +
            "n01828970 bee eater\n" +
            "n01829413 hornbill\n" +
            "n01833805 hummingbird\n" +
            "n01843065 jacamar\n" +
            "n01843383 toucan\n" +
            "n01847000 drake\n" +
            "n01855032 red-breasted merganser, Mergus serrator\n" +
            "n01855672 goose\n" +
            "n01860187 black swan, Cygnus atratus\n" +
            "n01871265 tusker\n" +
            "n01872401 echidna, spiny anteater, anteater\n" +
            "n01873310 platypus, duckbill, duckbilled platypus, duck-billed platypus, Ornithorhynchus anatinus\n" +
            "n01877812 wallaby, brush kangaroo\n" +
            "n01882714 koala, koala bear, kangaroo bear, native bear, Phascolarctos cinereus\n" +
            "n01883070 wombat\n" +
            "n01910747 jellyfish\n" +
            "n01914609 sea anemone, anemone\n" +
            "n01917289 brain coral\n" +
            "n01924916 flatworm, platyhelminth\n" +
            "n01930112 nematode, nematode worm, roundworm\n" +
            "n01943899 conch\n" +
            "n01944390 snail\n" +
            "n01945685 slug\n" +
            "n01950731 sea slug, nudibranch\n" +
            "n01955084 chiton, coat-of-mail shell, sea cradle, polyplacophore\n" +
            "n01968897 chambered nautilus, pearly nautilus, nautilus\n" +
            "n01978287 Dungeness crab, Cancer magister\n" +
            "n01978455 rock crab, Cancer irroratus\n" +
            "n01980166 fiddler crab\n" +
            "n01981276 king crab, Alaska crab, Alaskan king crab, Alaska king crab, Paralithodes camtschatica\n" +
            "n01983481 American lobster, Northern lobster, Maine lobster, Homarus americanus\n" +
            "n01984695 spiny lobster, langouste, rock lobster, crawfish, crayfish, sea crawfish\n" +
            "n01985128 crayfish, crawfish, crawdad, crawdaddy\n" +
            "n01986214 hermit crab\n" +
            "n01990800 isopod\n" +
            "n02002556 white stork, Ciconia ciconia\n" +
            "n02002724 black stork, Ciconia nigra\n" +
            "n02006656 spoonbill\n" +
            "n02007558 flamingo\n" +
            "n02009229 little blue heron, Egretta caerulea\n" +
            "n02009912 American egret, great white heron, Egretta albus\n" +
            "n02011460 bittern\n" +
            "n02012849 crane\n" +
            "n02013706 limpkin, Aramus pictus\n" +
            "n02017213 European gallinule, Porphyrio porphyrio\n" +
            "n02018207 American coot, marsh hen, mud hen, water hen, Fulica americana\n" +
            "n02018795 bustard\n" +
            "n02025239 ruddy turnstone, Arenaria interpres\n" +
            "n02027492 red-backed sandpiper, dunlin, Erolia alpina\n" +
            "n02028035 redshank, Tringa totanus\n" +
            "n02033041 dowitcher\n" +
            "n02037110 oystercatcher, oyster catcher\n" +
            "n02051845 pelican\n" +
            "n02056570 king penguin, Aptenodytes patagonica\n" +
            "n02058221 albatross, mollymawk\n" +
            "n02066245 grey whale, gray whale, devilfish, Eschrichtius gibbosus, Eschrichtius robustus\n" +
            "n02071294 killer whale, killer, orca, grampus, sea wolf, Orcinus orca\n" +
            "n02074367 dugong, Dugong dugon\n" +
            "n02077923 sea lion\n" +
            "n02085620 Chihuahua\n" +
            "n02085782 Japanese spaniel\n" +
            "n02085936 Maltese dog, Maltese terrier, Maltese\n" +
            "n02086079 Pekinese, Pekingese, Peke\n" +
            "n02086240 Shih-Tzu\n" +
            "n02086646 Blenheim spaniel\n" +
            "n02086910 papillon\n" +
            "n02087046 toy terrier\n" +
            "n02087394 Rhodesian ridgeback\n" +
            "n02088094 Afghan hound, Afghan\n" +
            "n02088238 basset, basset hound\n" +
            "n02088364 beagle\n" +
            "n02088466 bloodhound, sleuthhound\n" +
            "n02088632 bluetick\n" +
            "n02089078 black-and-tan coonhound\n" +
            "n02089867 Walker hound, Walker foxhound\n" +
            "n02089973 English foxhound\n" +
            "n02090379 redbone\n" +
            "n02090622 borzoi, Russian wolfhound\n" +
            "n02090721 Irish wolfhound\n" +
            "n02091032 Italian greyhound\n" +
            "n02091134 whippet\n" +
            "n02091244 Ibizan hound, Ibizan Podenco\n" +
            "n02091467 Norwegian elkhound, elkhound\n" +
            "n02091635 otterhound, otter hound\n" +
            "n02091831 Saluki, gazelle hound\n" +
            "n02092002 Scottish deerhound, deerhound\n" +
            "n02092339 Weimaraner\n" +
            "n02093256 Staffordshire bullterrier, Staffordshire bull terrier\n" +
            "n02093428 American Staffordshire terrier, Staffordshire terrier, American pit bull terrier, pit bull terrier\n" +
            "n02093647 Bedlington terrier\n" +
            "n02093754 Border terrier\n" +
            "n02093859 Kerry blue terrier\n" +
            "n02093991 Irish terrier\n" +
            "n02094114 Norfolk terrier\n" +
            "n02094258 Norwich terrier\n" +
            "n02094433 Yorkshire terrier\n" +
            "n02095314 wire-haired fox terrier\n" +
            "n02095570 Lakeland terrier\n" +
            "n02095889 Sealyham terrier, Sealyham\n" +
            "n02096051 Airedale, Airedale terrier\n" +
            "n02096177 cairn, cairn terrier\n" +
            "n02096294 Australian terrier\n" +
            "n02096437 Dandie Dinmont, Dandie Dinmont terrier\n" +
            "n02096585 Boston bull, Boston terrier\n" +
            "n02097047 miniature schnauzer\n" +
            "n02097130 giant schnauzer\n" +
            "n02097209 standard schnauzer\n" +
            "n02097298 Scotch terrier, Scottish terrier, Scottie\n" +
            "n02097474 Tibetan terrier, chrysanthemum dog\n" +
            "n02097658 silky terrier, Sydney silky\n" +
            "n02098105 soft-coated wheaten terrier\n" +
            "n02098286 West Highland white terrier\n" +
            "n02098413 Lhasa, Lhasa apso\n" +
            "n02099267 flat-coated retriever\n" +
            "n02099429 curly-coated retriever\n" +
            "n02099601 golden retriever\n" +
            "n02099712 Labrador retriever\n" +
            "n02099849 Chesapeake Bay retriever\n" +
            "n02100236 German short-haired pointer\n" +
            "n02100583 vizsla, Hungarian pointer\n" +
            "n02100735 English setter\n" +
            "n02100877 Irish setter, red setter\n" +
            "n02101006 Gordon setter\n" +
            "n02101388 Brittany spaniel\n" +
            "n02101556 clumber, clumber spaniel\n" +
            "n02102040 English springer, English springer spaniel\n" +
            "n02102177 Welsh springer spaniel\n" +
            "n02102318 cocker spaniel, English cocker spaniel, cocker\n" +
            "n02102480 Sussex spaniel\n" +
            "n02102973 Irish water spaniel\n" +
            "n02104029 kuvasz\n" +
            "n02104365 schipperke\n" +
            "n02105056 groenendael\n" +
            "n02105162 malinois\n" +
            "n02105251 briard\n" +
            "n02105412 kelpie\n" +
            "n02105505 komondor\n" +
            "n02105641 Old English sheepdog, bobtail\n" +
            "n02105855 Shetland sheepdog, Shetland sheep dog, Shetland\n" +
            "n02106030 collie\n" +
            "n02106166 Border collie\n" +
            "n02106382 Bouvier des Flandres, Bouviers des Flandres\n" +
            "n02106550 Rottweiler\n" +
            "n02106662 German shepherd, German shepherd dog, German police dog, alsatian\n" +
            "n02107142 Doberman, Doberman pinscher\n" +
            "n02107312 miniature pinscher\n" +
            "n02107574 Greater Swiss Mountain dog\n" +
            "n02107683 Bernese mountain dog\n" +
            "n02107908 Appenzeller\n" +
            "n02108000 EntleBucher\n" +
            "n02108089 boxer\n" +
            "n02108422 bull mastiff\n" +
            "n02108551 Tibetan mastiff\n" +
            "n02108915 French bulldog\n" +
            "n02109047 Great Dane\n" +
            "n02109525 Saint Bernard, St Bernard\n" +
            "n02109961 Eskimo dog, husky\n" +
            "n02110063 malamute, malemute, Alaskan malamute\n" +
            "n02110185 Siberian husky\n" +
            "n02110341 dalmatian, coach dog, carriage dog\n" +
            "n02110627 affenpinscher, monkey pinscher, monkey dog\n" +
            "n02110806 basenji\n" +
            "n02110958 pug, pug-dog\n" +
            "n02111129 Leonberg\n" +
            "n02111277 Newfoundland, Newfoundland dog\n" +
            "n02111500 Great Pyrenees\n" +
            "n02111889 Samoyed, Samoyede\n" +
            "n02112018 Pomeranian\n" +
            "n02112137 chow, chow chow\n" +
            "n02112350 keeshond\n" +
            "n02112706 Brabancon griffon\n" +
            "n02113023 Pembroke, Pembroke Welsh corgi\n" +
            "n02113186 Cardigan, Cardigan Welsh corgi\n" +
            "n02113624 toy poodle\n" +
            "n02113712 miniature poodle\n" +
            "n02113799 standard poodle\n" +
            "n02113978 Mexican hairless\n" +
            "n02114367 timber wolf, grey wolf, gray wolf, Canis lupus\n" +
            "n02114548 white wolf, Arctic wolf, Canis lupus tundrarum\n" +
            "n02114712 red wolf, maned wolf, Canis rufus, Canis niger\n" +
            "n02114855 coyote, prairie wolf, brush wolf, Canis latrans\n" +
            "n02115641 dingo, warrigal, warragal, Canis dingo\n" +
            "n02115913 dhole, Cuon alpinus\n" +
            "n02116738 African hunting dog, hyena dog, Cape hunting dog, Lycaon pictus\n" +
            "n02117135 hyena, hyaena\n" +
            "n02119022 red fox, Vulpes vulpes\n" +
            "n02119789 kit fox, Vulpes macrotis\n" +
            "n02120079 Arctic fox, white fox, Alopex lagopus\n" +
            "n02120505 grey fox, gray fox, Urocyon cinereoargenteus\n" +
            "n02123045 tabby, tabby cat\n" +
            "n02123159 tiger cat\n" +
            "n02123394 Persian cat\n" +
            "n02123597 Siamese cat, Siamese\n" +
            "n02124075 Egyptian cat\n" +
            "n02125311 cougar, puma, catamount, mountain lion, painter, panther, Felis concolor\n" +
            "n02127052 lynx, catamount\n" +
            "n02128385 leopard, Panthera pardus\n" +
            "n02128757 snow leopard, ounce, Panthera uncia\n" +
            "n02128925 jaguar, panther, Panthera onca, Felis onca\n" +
            "n02129165 lion, king of beasts, Panthera leo\n" +
            "n02129604 tiger, Panthera tigris\n" +
            "n02130308 cheetah, chetah, Acinonyx jubatus\n" +
            "n02132136 brown bear, bruin, Ursus arctos\n" +
            "n02133161 American black bear, black bear, Ursus americanus, Euarctos americanus\n" +
            "n02134084 ice bear, polar bear, Ursus Maritimus, Thalarctos maritimus\n" +
            "n02134418 sloth bear, Melursus ursinus, Ursus ursinus\n" +
            "n02137549 mongoose\n" +
            "n02138441 meerkat, mierkat\n" +
            "n02165105 tiger beetle\n" +
            "n02165456 ladybug, ladybeetle, lady beetle, ladybird, ladybird beetle\n" +
            "n02167151 ground beetle, carabid beetle\n" +
            "n02168699 long-horned beetle, longicorn, longicorn beetle\n" +
            "n02169497 leaf beetle, chrysomelid\n" +
            "n02172182 dung beetle\n" +
            "n02174001 rhinoceros beetle\n" +
            "n02177972 weevil\n" +
            "n02190166 fly\n" +
            "n02206856 bee\n" +
            "n02219486 ant, emmet, pismire\n" +
            "n02226429 grasshopper, hopper\n" +
            "n02229544 cricket\n" +
            "n02231487 walking stick, walkingstick, stick insect\n" +
            "n02233338 cockroach, roach\n" +
            "n02236044 mantis, mantid\n" +
            "n02256656 cicada, cicala\n" +
            "n02259212 leafhopper\n" +
            "n02264363 lacewing, lacewing fly\n" +
            "n02268443 dragonfly, darning needle, devil's darning needle, sewing needle, snake feeder, snake doctor, mosquito hawk, skeeter hawk\n" +
            "n02268853 damselfly\n" +
            "n02276258 admiral\n" +
            "n02277742 ringlet, ringlet butterfly\n" +
            "n02279972 monarch, monarch butterfly, milkweed butterfly, Danaus plexippus\n" +
            "n02280649 cabbage butterfly\n" +
            "n02281406 sulphur butterfly, sulfur butterfly\n" +
            "n02281787 lycaenid, lycaenid butterfly\n" +
            "n02317335 starfish, sea star\n" +
            "n02319095 sea urchin\n" +
            "n02321529 sea cucumber, holothurian\n" +
            "n02325366 wood rabbit, cottontail, cottontail rabbit\n" +
            "n02326432 hare\n" +
            "n02328150 Angora, Angora rabbit\n" +
            "n02342885 hamster\n" +
            "n02346627 porcupine, hedgehog\n" +
            "n02356798 fox squirrel, eastern fox squirrel, Sciurus niger\n" +
            "n02361337 marmot\n" +
            "n02363005 beaver\n" +
            "n02364673 guinea pig, Cavia cobaya\n" +
            "n02389026 sorrel\n" +
            "n02391049 zebra\n" +
            "n02395406 hog, pig, grunter, squealer, Sus scrofa\n" +
            "n02396427 wild boar, boar, Sus scrofa\n" +
            "n02397096 warthog\n" +
            "n02398521 hippopotamus, hippo, river horse, Hippopotamus amphibius\n" +
            "n02403003 ox\n" +
            "n02408429 water buffalo, water ox, Asiatic buffalo, Bubalus bubalis\n" +
            "n02410509 bison\n" +
            "n02412080 ram, tup\n" +
            "n02415577 bighorn, bighorn sheep, cimarron, Rocky Mountain bighorn, Rocky Mountain sheep, Ovis canadensis\n" +
            "n02417914 ibex, Capra ibex\n" +
            "n02422106 hartebeest\n" +
            "n02422699 impala, Aepyceros melampus\n" +
            "n02423022 gazelle\n" +
            "n02437312 Arabian camel, dromedary, Camelus dromedarius\n" +
            "n02437616 llama\n" +
            "n02441942 weasel\n" +
            "n02442845 mink\n" +
            "n02443114 polecat, fitch, foulmart, foumart, Mustela putorius\n" +
            "n02443484 black-footed ferret, ferret, Mustela nigripes\n" +
            "n02444819 otter\n" +
            "n02445715 skunk, polecat, wood pussy\n" +
            "n02447366 badger\n" +
            "n02454379 armadillo\n" +
            "n02457408 three-toed sloth, ai, Bradypus tridactylus\n" +
            "n02480495 orangutan, orang, orangutang, Pongo pygmaeus\n" +
            "n02480855 gorilla, Gorilla gorilla\n" +
            "n02481823 chimpanzee, chimp, Pan troglodytes\n" +
            "n02483362 gibbon, Hylobates lar\n" +
            "n02483708 siamang, Hylobates syndactylus, Symphalangus syndactylus\n" +
            "n02484975 guenon, guenon monkey\n" +
            "n02486261 patas, hussar monkey, Erythrocebus patas\n" +
            "n02486410 baboon\n" +
            "n02487347 macaque\n" +
            "n02488291 langur\n" +
            "n02488702 colobus, colobus monkey\n" +
            "n02489166 proboscis monkey, Nasalis larvatus\n" +
            "n02490219 marmoset\n" +
            "n02492035 capuchin, ringtail, Cebus capucinus\n" +
            "n02492660 howler monkey, howler\n" +
            "n02493509 titi, titi monkey\n" +
            "n02493793 spider monkey, Ateles geoffroyi\n" +
            "n02494079 squirrel monkey, Saimiri sciureus\n" +
            "n02497673 Madagascar cat, ring-tailed lemur, Lemur catta\n" +
            "n02500267 indri, indris, Indri indri, Indri brevicaudatus\n" +
            "n02504013 Indian elephant, Elephas maximus\n" +
            "n02504458 African elephant, Loxodonta africana\n" +
            "n02509815 lesser panda, red panda, panda, bear cat, cat bear, Ailurus fulgens\n" +
            "n02510455 giant panda, panda, panda bear, coon bear, Ailuropoda melanoleuca\n" +
            "n02514041 barracouta, snoek\n" +
            "n02526121 eel\n" +
            "n02536864 coho, cohoe, coho salmon, blue jack, silver salmon, Oncorhynchus kisutch\n" +
            "n02606052 rock beauty, Holocanthus tricolor\n" +
            "n02607072 anemone fish\n" +
            "n02640242 sturgeon\n" +
            "n02641379 gar, garfish, garpike, billfish, Lepisosteus osseus\n" +
            "n02643566 lionfish\n" +
            "n02655020 puffer, pufferfish, blowfish, globefish\n" +
            "n02666196 abacus\n" +
            "n02667093 abaya\n" +
            "n02669723 academic gown, academic robe, judge's robe\n" +
            "n02672831 accordion, piano accordion, squeeze box\n" +
            "n02676566 acoustic guitar\n" +
            "n02687172 aircraft carrier, carrier, flattop, attack aircraft carrier\n" +
            "n02690373 airliner\n" +
            "n02692877 airship, dirigible\n" +
            "n02699494 altar\n" +
            "n02701002 ambulance\n" +
            "n02704792 amphibian, amphibious vehicle\n" +
            "n02708093 analog clock\n" +
            "n02727426 apiary, bee house\n" +
            "n02730930 apron\n" +
            "n02747177 ashcan, trash can, garbage can, wastebin, ash bin, ash-bin, ashbin, dustbin, trash barrel, trash bin\n" +
            "n02749479 assault rifle, assault gun\n" +
            "n02769748 backpack, back pack, knapsack, packsack, rucksack, haversack\n" +
            "n02776631 bakery, bakeshop, bakehouse\n" +
            "n02777292 balance beam, beam\n" +
            "n02782093 balloon\n" +
            "n02783161 ballpoint, ballpoint pen, ballpen, Biro\n" +
            "n02786058 Band Aid\n" +
            "n02787622 banjo\n" +
            "n02788148 bannister, banister, balustrade, balusters, handrail\n" +
            "n02790996 barbell\n" +
            "n02791124 barber chair\n" +
            "n02791270 barbershop\n" +
            "n02793495 barn\n" +
            "n02794156 barometer\n" +
            "n02795169 barrel, cask\n" +
            "n02797295 barrow, garden cart, lawn cart, wheelbarrow\n" +
            "n02799071 baseball\n" +
            "n02802426 basketball\n" +
            "n02804414 bassinet\n" +
            "n02804610 bassoon\n" +
            "n02807133 bathing cap, swimming cap\n" +
            "n02808304 bath towel\n" +
            "n02808440 bathtub, bathing tub, bath, tub\n" +
            "n02814533 beach wagon, station wagon, wagon, estate car, beach waggon, station waggon, waggon\n" +
            "n02814860 beacon, lighthouse, beacon light, pharos\n" +
            "n02815834 beaker\n" +
            "n02817516 bearskin, busby, shako\n" +
            "n02823428 beer bottle\n" +
            "n02823750 beer glass\n" +
            "n02825657 bell cote, bell cot\n" +
            "n02834397 bib\n" +
            "n02835271 bicycle-built-for-two, tandem bicycle, tandem\n" +
            "n02837789 bikini, two-piece\n" +
            "n02840245 binder, ring-binder\n" +
            "n02841315 binoculars, field glasses, opera glasses\n" +
            "n02843684 birdhouse\n" +
            "n02859443 boathouse\n" +
            "n02860847 bobsled, bobsleigh, bob\n" +
            "n02865351 bolo tie, bolo, bola tie, bola\n" +
            "n02869837 bonnet, poke bonnet\n" +
            "n02870880 bookcase\n" +
            "n02871525 bookshop, bookstore, bookstall\n" +
            "n02877765 bottlecap\n" +
            "n02879718 bow\n" +
            "n02883205 bow tie, bow-tie, bowtie\n" +
            "n02892201 brass, memorial tablet, plaque\n" +
            "n02892767 brassiere, bra, bandeau\n" +
            "n02894605 breakwater, groin, groyne, mole, bulwark, seawall, jetty\n" +
            "n02895154 breastplate, aegis, egis\n" +
            "n02906734 broom\n" +
            "n02909870 bucket, pail\n" +
            "n02910353 buckle\n" +
            "n02916936 bulletproof vest\n" +
            "n02917067 bullet train, bullet\n" +
            "n02927161 butcher shop, meat market\n" +
            "n02930766 cab, hack, taxi, taxicab\n" +
            "n02939185 caldron, cauldron\n" +
            "n02948072 candle, taper, wax light\n" +
            "n02950826 cannon\n" +
            "n02951358 canoe\n" +
            "n02951585 can opener, tin opener\n" +
            "n02963159 cardigan\n" +
            "n02965783 car mirror\n" +
            "n02966193 carousel, carrousel, merry-go-round, roundabout, whirligig\n" +
            "n02966687 carpenter's kit, tool kit\n" +
            "n02971356 carton\n" +
            "n02974003 car wheel\n" +
            "n02977058 cash machine, cash dispenser, automated teller machine, automatic teller machine, automated teller, automatic teller, ATM\n" +
            "n02978881 cassette\n" +
            "n02979186 cassette player\n" +
            "n02980441 castle\n" +
            "n02981792 catamaran\n" +
            "n02988304 CD player\n" +
            "n02992211 cello, violoncello\n" +
            "n02992529 cellular telephone, cellular phone, cellphone, cell, mobile phone\n" +
            "n02999410 chain\n" +
            "n03000134 chainlink fence\n" +
            "n03000247 chain mail, ring mail, mail, chain armor, chain armour, ring armor, ring armour\n" +
            "n03000684 chain saw, chainsaw\n" +
            "n03014705 chest\n" +
            "n03016953 chiffonier, commode\n" +
            "n03017168 chime, bell, gong\n" +
            "n03018349 china cabinet, china closet\n" +
            "n03026506 Christmas stocking\n" +
            "n03028079 church, church building\n" +
            "n03032252 cinema, movie theater, movie theatre, movie house, picture palace\n" +
            "n03041632 cleaver, meat cleaver, chopper\n" +
            "n03042490 cliff dwelling\n" +
            "n03045698 cloak\n" +
            "n03047690 clog, geta, patten, sabot\n" +
            "n03062245 cocktail shaker\n" +
            "n03063599 coffee mug\n" +
            "n03063689 coffeepot\n" +
            "n03065424 coil, spiral, volute, whorl, helix\n" +
            "n03075370 combination lock\n" +
            "n03085013 computer keyboard, keypad\n" +
            "n03089624 confectionery, confectionary, candy store\n" +
            "n03095699 container ship, containership, container vessel\n" +
            "n03100240 convertible\n" +
            "n03109150 corkscrew, bottle screw\n" +
            "n03110669 cornet, horn, trumpet, trump\n" +
            "n03124043 cowboy boot\n" +
            "n03124170 cowboy hat, ten-gallon hat\n" +
            "n03125729 cradle\n" +
            "n03126707 crane\n" +
            "n03127747 crash helmet\n" +
            "n03127925 crate\n" +
            "n03131574 crib, cot\n" +
            "n03133878 Crock Pot\n" +
            "n03134739 croquet ball\n" +
            "n03141823 crutch\n" +
            "n03146219 cuirass\n" +
            "n03160309 dam, dike, dyke\n" +
            "n03179701 desk\n" +
            "n03180011 desktop computer\n" +
            "n03187595 dial telephone, dial phone\n" +
            "n03188531 diaper, nappy, napkin\n" +
            "n03196217 digital clock\n" +
            "n03197337 digital watch\n" +
            "n03201208 dining table, board\n" +
            "n03207743 dishrag, dishcloth\n" +
            "n03207941 dishwasher, dish washer, dishwashing machine\n" +
            "n03208938 disk brake, disc brake\n" +
            "n03216828 dock, dockage, docking facility\n" +
            "n03218198 dogsled, dog sled, dog sleigh\n" +
            "n03220513 dome\n" +
            "n03223299 doormat, welcome mat\n" +
            "n03240683 drilling platform, offshore rig\n" +
            "n03249569 drum, membranophone, tympan\n" +
            "n03250847 drumstick\n" +
            "n03255030 dumbbell\n" +
            "n03259280 Dutch oven\n" +
            "n03271574 electric fan, blower\n" +
            "n03272010 electric guitar\n" +
            "n03272562 electric locomotive\n" +
            "n03290653 entertainment center\n" +
            "n03291819 envelope\n" +
            "n03297495 espresso maker\n" +
            "n03314780 face powder\n" +
            "n03325584 feather boa, boa\n" +
            "n03337140 file, file cabinet, filing cabinet\n" +
            "n03344393 fireboat\n" +
            "n03345487 fire engine, fire truck\n" +
            "n03347037 fire screen, fireguard\n" +
            "n03355925 flagpole, flagstaff\n" +
            "n03372029 flute, transverse flute\n" +
            "n03376595 folding chair\n" +
            "n03379051 football helmet\n" +
            "n03384352 forklift\n" +
            "n03388043 fountain\n" +
            "n03388183 fountain pen\n" +
            "n03388549 four-poster\n" +
            "n03393912 freight car\n" +
            "n03394916 French horn, horn\n" +
            "n03400231 frying pan, frypan, skillet\n" +
            "n03404251 fur coat\n" +
            "n03417042 garbage truck, dustcart\n" +
            "n03424325 gasmask, respirator, gas helmet\n" +
            "n03425413 gas pump, gasoline pump, petrol pump, island dispenser\n" +
            "n03443371 goblet\n" +
            "n03444034 go-kart\n" +
            "n03445777 golf ball\n" +
            "n03445924 golfcart, golf cart\n" +
            "n03447447 gondola\n" +
            "n03447721 gong, tam-tam\n" +
            "n03450230 gown\n" +
            "n03452741 grand piano, grand\n" +
            "n03457902 greenhouse, nursery, glasshouse\n" +
            "n03459775 grille, radiator grille\n" +
            "n03461385 grocery store, grocery, food market, market\n" +
            "n03467068 guillotine\n" +
            "n03476684 hair slide\n" +
            "n03476991 hair spray\n" +
            "n03478589 half track\n" +
            "n03481172 hammer\n" +
            "n03482405 hamper\n" +
            "n03483316 hand blower, blow dryer, blow drier, hair dryer, hair drier\n" +
            "n03485407 hand-held computer, hand-held microcomputer\n" +
            "n03485794 handkerchief, hankie, hanky, hankey\n" +
            "n03492542 hard disc, hard disk, fixed disk\n" +
            "n03494278 harmonica, mouth organ, harp, mouth harp\n" +
            "n03495258 harp\n" +
            "n03496892 harvester, reaper\n" +
            "n03498962 hatchet\n" +
            "n03527444 holster\n" +
            "n03529860 home theater, home theatre\n" +
            "n03530642 honeycomb\n" +
            "n03532672 hook, claw\n" +
            "n03534580 hoopskirt, crinoline\n" +
            "n03535780 horizontal bar, high bar\n" +
            "n03538406 horse cart, horse-cart\n" +
            "n03544143 hourglass\n" +
            "n03584254 iPod\n" +
            "n03584829 iron, smoothing iron\n" +
            "n03590841 jack-o'-lantern\n" +
            "n03594734 jean, blue jean, denim\n" +
            "n03594945 jeep, landrover\n" +
            "n03595614 jersey, T-shirt, tee shirt\n" +
            "n03598930 jigsaw puzzle\n" +
            "n03599486 jinrikisha, ricksha, rickshaw\n" +
            "n03602883 joystick\n" +
            "n03617480 kimono\n" +
            "n03623198 knee pad\n" +
            "n03627232 knot\n" +
            "n03630383 lab coat, laboratory coat\n" +
            "n03633091 ladle\n" +
            "n03637318 lampshade, lamp shade\n" +
            "n03642806 laptop, laptop computer\n" +
            "n03649909 lawn mower, mower\n" +
            "n03657121 lens cap, lens cover\n" +
            "n03658185 letter opener, paper knife, paperknife\n" +
            "n03661043 library\n" +
            "n03662601 lifeboat\n" +
            "n03666591 lighter, light, igniter, ignitor\n" +
            "n03670208 limousine, limo\n" +
            "n03673027 liner, ocean liner\n" +
            "n03676483 lipstick, lip rouge\n" +
            "n03680355 Loafer\n" +
            "n03690938 lotion\n" +
            "n03691459 loudspeaker, speaker, speaker unit, loudspeaker system, speaker system\n" +
            "n03692522 loupe, jeweler's loupe\n" +
            "n03697007 lumbermill, sawmill\n" +
            "n03706229 magnetic compass\n" +
            "n03709823 mailbag, postbag\n" +
            "n03710193 mailbox, letter box\n" +
            "n03710637 maillot\n" +
            "n03710721 maillot, tank suit\n" +
            "n03717622 manhole cover\n" +
            "n03720891 maraca\n" +
            "n03721384 marimba, xylophone\n" +
            "n03724870 mask\n" +
            "n03729826 matchstick\n" +
            "n03733131 maypole\n" +
            "n03733281 maze, labyrinth\n" +
            "n03733805 measuring cup\n" +
            "n03742115 medicine chest, medicine cabinet\n" +
            "n03743016 megalith, megalithic structure\n" +
            "n03759954 microphone, mike\n" +
            "n03761084 microwave, microwave oven\n" +
            "n03763968 military uniform\n" +
            "n03764736 milk can\n" +
            "n03769881 minibus\n" +
            "n03770439 miniskirt, mini\n" +
            "n03770679 minivan\n" +
            "n03773504 missile\n" +
            "n03775071 mitten\n" +
            "n03775546 mixing bowl\n" +
            "n03776460 mobile home, manufactured home\n" +
            "n03777568 Model T\n" +
            "n03777754 modem\n" +
            "n03781244 monastery\n" +
            "n03782006 monitor\n" +
            "n03785016 moped\n" +
            "n03786901 mortar\n" +
            "n03787032 mortarboard\n" +
            "n03788195 mosque\n" +
            "n03788365 mosquito net\n" +
            "n03791053 motor scooter, scooter\n" +
            "n03792782 mountain bike, all-terrain bike, off-roader\n" +
            "n03792972 mountain tent\n" +
            "n03793489 mouse, computer mouse\n" +
            "n03794056 mousetrap\n" +
            "n03796401 moving van\n" +
            "n03803284 muzzle\n" +
            "n03804744 nail\n" +
            "n03814639 neck brace\n" +
            "n03814906 necklace\n" +
            "n03825788 nipple\n" +
            "n03832673 notebook, notebook computer\n" +
            "n03837869 obelisk\n" +
            "n03838899 oboe, hautboy, hautbois\n" +
            "n03840681 ocarina, sweet potato\n" +
            "n03841143 odometer, hodometer, mileometer, milometer\n" +
            "n03843555 oil filter\n" +
            "n03854065 organ, pipe organ\n" +
            "n03857828 oscilloscope, scope, cathode-ray oscilloscope, CRO\n" +
            "n03866082 overskirt\n" +
            "n03868242 oxcart\n" +
            "n03868863 oxygen mask\n" +
            "n03871628 packet\n" +
            "n03873416 paddle, boat paddle\n" +
            "n03874293 paddlewheel, paddle wheel\n" +
            "n03874599 padlock\n" +
            "n03876231 paintbrush\n" +
            "n03877472 pajama, pyjama, pj's, jammies\n" +
            "n03877845 palace\n" +
            "n03884397 panpipe, pandean pipe, syrinx\n" +
            "n03887697 paper towel\n" +
            "n03888257 parachute, chute\n" +
            "n03888605 parallel bars, bars\n" +
            "n03891251 park bench\n" +
            "n03891332 parking meter\n" +
            "n03895866 passenger car, coach, carriage\n" +
            "n03899768 patio, terrace\n" +
            "n03902125 pay-phone, pay-station\n" +
            "n03903868 pedestal, plinth, footstall\n" +
            "n03908618 pencil box, pencil case\n" +
            "n03908714 pencil sharpener\n" +
            "n03916031 perfume, essence\n" +
            "n03920288 Petri dish\n" +
            "n03924679 photocopier\n" +
            "n03929660 pick, plectrum, plectron\n" +
            "n03929855 pickelhaube\n" +
            "n03930313 picket fence, paling\n" +
            "n03930630 pickup, pickup truck\n" +
            "n03933933 pier\n" +
            "n03935335 piggy bank, penny bank\n" +
            "n03937543 pill bottle\n" +
            "n03938244 pillow\n" +
            "n03942813 ping-pong ball\n" +
            "n03944341 pinwheel\n" +
            "n03947888 pirate, pirate ship\n" +
            "n03950228 pitcher, ewer\n" +
            "n03954731 plane, carpenter's plane, woodworking plane\n" +
            "n03956157 planetarium\n" +
            "n03958227 plastic bag\n" +
            "n03961711 plate rack\n" +
            "n03967562 plow, plough\n" +
            "n03970156 plunger, plumber's helper\n" +
            "n03976467 Polaroid camera, Polaroid Land camera\n" +
            "n03976657 pole\n" +
            "n03977966 police van, police wagon, paddy wagon, patrol wagon, wagon, black Maria\n" +
            "n03980874 poncho\n" +
            "n03982430 pool table, billiard table, snooker table\n" +
            "n03983396 pop bottle, soda bottle\n" +
            "n03991062 pot, flowerpot\n" +
            "n03992509 potter's wheel\n" +
            "n03995372 power drill\n" +
            "n03998194 prayer rug, prayer mat\n" +
            "n04004767 printer\n" +
            "n04005630 prison, prison house\n" +
            "n04008634 projectile, missile\n" +
            "n04009552 projector\n" +
            "n04019541 puck, hockey puck\n" +
            "n04023962 punching bag, punch bag, punching ball, punchball\n" +
            "n04026417 purse\n" +
            "n04033901 quill, quill pen\n" +
            "n04033995 quilt, comforter, comfort, puff\n" +
            "n04037443 racer, race car, racing car\n" +
            "n04039381 racket, racquet\n" +
            "n04040759 radiator\n" +
            "n04041544 radio, wireless\n" +
            "n04044716 radio telescope, radio reflector\n" +
            "n04049303 rain barrel\n" +
            "n04065272 recreational vehicle, RV, R.V.\n" +
            "n04067472 reel\n" +
            "n04069434 reflex camera\n" +
            "n04070727 refrigerator, icebox\n" +
            "n04074963 remote control, remote\n" +
            "n04081281 restaurant, eating house, eating place, eatery\n" +
            "n04086273 revolver, six-gun, six-shooter\n" +
            "n04090263 rifle\n" +
            "n04099969 rocking chair, rocker\n" +
            "n04111531 rotisserie\n" +
            "n04116512 rubber eraser, rubber, pencil eraser\n" +
            "n04118538 rugby ball\n" +
            "n04118776 rule, ruler\n" +
            "n04120489 running shoe\n" +
            "n04125021 safe\n" +
            "n04127249 safety pin\n" +
            "n04131690 saltshaker, salt shaker\n" +
            "n04133789 sandal\n" +
            "n04136333 sarong\n" +
            "n04141076 sax, saxophone\n" +
            "n04141327 scabbard\n" +
            "n04141975 scale, weighing machine\n" +
            "n04146614 school bus\n" +
            "n04147183 schooner\n" +
            "n04149813 scoreboard\n" +
            "n04152593 screen, CRT screen\n" +
            "n04153751 screw\n" +
            "n04154565 screwdriver\n" +
            "n04162706 seat belt, seatbelt\n" +
            "n04179913 sewing machine\n" +
            "n04192698 shield, buckler\n" +
            "n04200800 shoe shop, shoe-shop, shoe store\n" +
            "n04201297 shoji\n" +
            "n04204238 shopping basket\n" +
            "n04204347 shopping cart\n" +
            "n04208210 shovel\n" +
            "n04209133 shower cap\n" +
            "n04209239 shower curtain\n" +
            "n04228054 ski\n" +
            "n04229816 ski mask\n" +
            "n04235860 sleeping bag\n" +
            "n04238763 slide rule, slipstick\n" +
            "n04239074 sliding door\n" +
            "n04243546 slot, one-armed bandit\n" +
            "n04251144 snorkel\n" +
            "n04252077 snowmobile\n" +
            "n04252225 snowplow, snowplough\n" +
            "n04254120 soap dispenser\n" +
            "n04254680 soccer ball\n" +
            "n04254777 sock\n" +
            "n04258138 solar dish, solar collector, solar furnace\n" +
            "n04259630 sombrero\n" +
            "n04263257 soup bowl\n" +
            "n04264628 space bar\n" +
            "n04265275 space heater\n" +
            "n04266014 space shuttle\n" +
            "n04270147 spatula\n" +
            "n04273569 speedboat\n" +
            "n04275548 spider web, spider's web\n" +
            "n04277352 spindle\n" +
            "n04285008 sports car, sport car\n" +
            "n04286575 spotlight, spot\n" +
            "n04296562 stage\n" +
            "n04310018 steam locomotive\n" +
            "n04311004 steel arch bridge\n" +
            "n04311174 steel drum\n" +
            "n04317175 stethoscope\n" +
            "n04325704 stole\n" +
            "n04326547 stone wall\n" +
            "n04328186 stopwatch, stop watch\n" +
            "n04330267 stove\n" +
            "n04332243 strainer\n" +
            "n04335435 streetcar, tram, tramcar, trolley, trolley car\n" +
            "n04336792 stretcher\n" +
            "n04344873 studio couch, day bed\n" +
            "n04346328 stupa, tope\n" +
            "n04347754 submarine, pigboat, sub, U-boat\n" +
            "n04350905 suit, suit of clothes\n" +
            "n04355338 sundial\n" +
            "n04355933 sunglass\n" +
            "n04356056 sunglasses, dark glasses, shades\n" +
            "n04357314 sunscreen, sunblock, sun blocker\n" +
            "n04366367 suspension bridge\n" +
            "n04367480 swab, swob, mop\n" +
            "n04370456 sweatshirt\n" +
            "n04371430 swimming trunks, bathing trunks\n" +
            "n04371774 swing\n" +
            "n04372370 switch, electric switch, electrical switch\n" +
            "n04376876 syringe\n" +
            "n04380533 table lamp\n" +
            "n04389033 tank, army tank, armored combat vehicle, armoured combat vehicle\n" +
            "n04392985 tape player\n" +
            "n04398044 teapot\n" +
            "n04399382 teddy, teddy bear\n" +
            "n04404412 television, television system\n" +
            "n04409515 tennis ball\n" +
            "n04417672 thatch, thatched roof\n" +
            "n04418357 theater curtain, theatre curtain\n" +
            "n04423845 thimble\n" +
            "n04428191 thresher, thrasher, threshing machine\n" +
            "n04429376 throne\n" +
            "n04435653 tile roof\n" +
            "n04442312 toaster\n" +
            "n04443257 tobacco shop, tobacconist shop, tobacconist\n" +
            "n04447861 toilet seat\n" +
            "n04456115 torch\n" +
            "n04458633 totem pole\n" +
            "n04461696 tow truck, tow car, wrecker\n" +
            "n04462240 toyshop\n" +
            "n04465501 tractor\n" +
            "n04467665 trailer truck, tractor trailer, trucking rig, rig, articulated lorry, semi\n" +
            "n04476259 tray\n" +
            "n04479046 trench coat\n" +
            "n04482393 tricycle, trike, velocipede\n" +
            "n04483307 trimaran\n" +
            "n04485082 tripod\n" +
            "n04486054 triumphal arch\n" +
            "n04487081 trolleybus, trolley coach, trackless trolley\n" +
            "n04487394 trombone\n" +
            "n04493381 tub, vat\n" +
            "n04501370 turnstile\n" +
            "n04505470 typewriter keyboard\n" +
            "n04507155 umbrella\n" +
            "n04509417 unicycle, monocycle\n" +
            "n04515003 upright, upright piano\n" +
            "n04517823 vacuum, vacuum cleaner\n" +
            "n04522168 vase\n" +
            "n04523525 vault\n" +
            "n04525038 velvet\n" +
            "n04525305 vending machine\n" +
            "n04532106 vestment\n" +
            "n04532670 viaduct\n" +
            "n04536866 violin, fiddle\n" +
            "n04540053 volleyball\n" +
            "n04542943 waffle iron\n" +
            "n04548280 wall clock\n" +
            "n04548362 wallet, billfold, notecase, pocketbook\n" +
            "n04550184 wardrobe, closet, press\n" +
            "n04552348 warplane, military plane\n" +
            "n04553703 washbasin, handbasin, washbowl, lavabo, wash-hand basin\n" +
            "n04554684 washer, automatic washer, washing machine\n" +
            "n04557648 water bottle\n" +
            "n04560804 water jug\n" +
            "n04562935 water tower\n" +
            "n04579145 whiskey jug\n" +
            "n04579432 whistle\n" +
            "n04584207 wig\n" +
            "n04589890 window screen\n" +
            "n04590129 window shade\n" +
            "n04591157 Windsor tie\n" +
            "n04591713 wine bottle\n" +
            "n04592741 wing\n" +
            "n04596742 wok\n" +
            "n04597913 wooden spoon\n" +
            "n04599235 wool, woolen, woollen\n" +
            "n04604644 worm fence, snake fence, snake-rail fence, Virginia fence\n" +
            "n04606251 wreck\n" +
            "n04612504 yawl\n" +
            "n04613696 yurt\n" +
            "n06359193 web site, website, internet site, site\n" +
            "n06596364 comic book\n" +
            "n06785654 crossword puzzle, crossword\n" +
            "n06794110 street sign\n" +
            "n06874185 traffic light, traffic signal, stoplight\n" +
            "n07248320 book jacket, dust cover, dust jacket, dust wrapper\n" +
            "n07565083 menu\n" +
            "n07579787 plate\n" +
            "n07583066 guacamole\n" +
            "n07584110 consomme\n" +
            "n07590611 hot pot, hotpot\n" +
            "n07613480 trifle\n" +
            "n07614500 ice cream, icecream\n" +
            "n07615774 ice lolly, lolly, lollipop, popsicle\n" +
            "n07684084 French loaf\n" +
            "n07693725 bagel, beigel\n" +
            "n07695742 pretzel\n" +
            "n07697313 cheeseburger\n" +
            "n07697537 hotdog, hot dog, red hot\n" +
            "n07711569 mashed potato\n" +
            "n07714571 head cabbage\n" +
            "n07714990 broccoli\n" +
            "n07715103 cauliflower\n" +
            "n07716358 zucchini, courgette\n" +
            "n07716906 spaghetti squash\n" +
            "n07717410 acorn squash\n" +
            "n07717556 butternut squash\n" +
            "n07718472 cucumber, cuke\n" +
            "n07718747 artichoke, globe artichoke\n" +
            "n07720875 bell pepper\n" +
            "n07730033 cardoon\n" +
            "n07734744 mushroom\n" +
            "n07742313 Granny Smith\n" +
            "n07745940 strawberry\n" +
            "n07747607 orange\n" +
            "n07749582 lemon\n" +
            "n07753113 fig\n" +
            "n07753275 pineapple, ananas\n" +
            "n07753592 banana\n" +
            "n07754684 jackfruit, jak, jack\n" +
            "n07760859 custard apple\n" +
            "n07768694 pomegranate\n" +
            "n07802026 hay\n" +
            "n07831146 carbonara\n" +
            "n07836838 chocolate sauce, chocolate syrup\n" +
            "n07860988 dough\n" +
            "n07871810 meat loaf, meatloaf\n" +
            "n07873807 pizza, pizza pie\n" +
            "n07875152 potpie\n" +
            "n07880968 burrito\n" +
            "n07892512 red wine\n" +
            "n07920052 espresso\n" +
            "n07930864 cup\n" +
            "n07932039 eggnog\n" +
            "n09193705 alp\n" +
            "n09229709 bubble\n" +
            "n09246464 cliff, drop, drop-off\n" +
            "n09256479 coral reef\n" +
            "n09288635 geyser\n" +
            "n09332890 lakeside, lakeshore\n" +
            "n09399592 promontory, headland, head, foreland\n" +
            "n09421951 sandbar, sand bar\n" +
            "n09428293 seashore, coast, seacoast, sea-coast\n" +
            "n09468604 valley, vale\n" +
            "n09472597 volcano\n" +
            "n09835506 ballplayer, baseball player\n" +
            "n10148035 groom, bridegroom\n" +
            "n10565667 scuba diver\n" +
            "n11879895 rapeseed\n" +
            "n11939491 daisy\n" +
            "n12057211 yellow lady's slipper, yellow lady-slipper, Cypripedium calceolus, Cypripedium parviflorum\n" +
            "n12144580 corn\n" +
            "n12267677 acorn\n" +
            "n12620546 hip, rose hip, rosehip\n" +
            "n12768682 buckeye, horse chestnut, conker\n" +
            "n12985857 coral fungus\n" +
            "n12998815 agaric\n" +
            "n13037406 gyromitra\n" +
            "n13040303 stinkhorn, carrion fungus\n" +
            "n13044778 earthstar\n" +
            "n13052670 hen-of-the-woods, hen of the woods, Polyporus frondosus, Grifola frondosa\n" +
            "n13054560 bolete\n" +
            "n13133613 ear, spike, capitulum\n" +
            "n15075141 toilet tissue, toilet paper, bathroom tissue\n";
    }
}
